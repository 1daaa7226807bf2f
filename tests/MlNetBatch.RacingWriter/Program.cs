using System.Globalization;
using System.Text;
using MlNetBatch.Storage;

// racing-writer <counter file> <start signal file> <increments>
// Prints "ready", waits for the start signal, then adds one to the number in the counter file <increments> times, each
// time by replacing the version it read: a lost race reads again. Prints how many replacements it lost.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: MlNetBatch.RacingWriter <counter file> <start signal file> <increments>");
    return 2;
}

var store = new LocalObjectStore();
var counter = ObjectLocation.Local(args[0]);
var increments = int.Parse(args[2], CultureInfo.InvariantCulture);
Console.WriteLine("ready");
while (!File.Exists(args[1]))
{
    Thread.Sleep(1);
}

var lost = 0;
for (var done = 0; done < increments;)
{
    ObjectInfo version;
    string text;
    try
    {
        version = await store.StatAsync(counter);
        await using var stream = await store.OpenReadAsync(counter, version);
        using var reader = new StreamReader(stream);
        text = await reader.ReadToEndAsync();
    }
    catch (ObjectChangedException)
    {
        continue;
    }

    var next = (int.Parse(text, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
    if (await store.TryReplaceAsync(counter, Encoding.UTF8.GetBytes(next), version.ETag) is null)
    {
        lost++;
    }
    else
    {
        done++;
    }
}

Console.WriteLine($"lost {lost}");
return 0;
