using System.Globalization;

namespace MlNetBatch.Benchmarks;

/// <summary>One of the bench's modes named on its command line (<c>--stages 5 400000</c>): the flag and the values after it.</summary>
internal sealed class BenchMode
{
    private readonly string[] _args;
    private readonly int _index;

    private BenchMode(string[] args, int index)
    {
        _args = args;
        _index = index;
    }

    /// <summary>The mode <paramref name="flag"/> when the command line names it; otherwise null.</summary>
    public static BenchMode? Find(string[] args, string flag)
    {
        var index = Array.IndexOf(args, flag);
        return index < 0 ? null : new BenchMode(args, index);
    }

    /// <summary>The <paramref name="position"/>th value after the flag (from 1) as text, or <paramref name="fallback"/>.</summary>
    public string Text(int position, string fallback) => _index + position < _args.Length ? _args[_index + position] : fallback;

    /// <summary>The <paramref name="position"/>th value after the flag (from 1) as a number, or <paramref name="fallback"/>.</summary>
    public int Number(int position, int fallback) =>
        int.TryParse(Text(position, string.Empty), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    /// <summary>Runs <paramref name="run"/> in a fresh folder under the temporary directory, removed afterwards.</summary>
    public static async Task InWorkFolderAsync(string name, Func<string, Task> run)
    {
        var work = Path.Combine(Path.GetTempPath(), $"mlnetbatch-{name}-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            await run(work);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
