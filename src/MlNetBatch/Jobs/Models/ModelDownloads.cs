using System.Security.Cryptography;
using System.Text;
using MlNetBatch.Storage;

namespace MlNetBatch.Jobs.Models;

/// <summary>
/// Models named by a URI (<c>s3://…/model.onnx</c>, <c>az://</c>, <c>gs://</c>, <c>https://</c>) are fetched once
/// into a local cache, keyed by the object's location and version (ETag and size): every node of a cluster loads the
/// same model without a shared disk, and a new version of the object is fetched anew while the old one stays cached.
/// </summary>
internal sealed class ModelDownloads(ObjectStoreResolver resolver, string cacheDirectory)
{
    /// <summary>The environment variable that moves the cache from its default under the temporary folder.</summary>
    public const string CacheEnvironmentVariable = "MLNETBATCH_MODEL_CACHE";

    /// <summary>The cache folder: <see cref="CacheEnvironmentVariable"/>, or <c>mlnetbatch-models</c> under the temporary folder.</summary>
    public static string DefaultDirectory =>
        Environment.GetEnvironmentVariable(CacheEnvironmentVariable) is { Length: > 0 } configured ? configured : Path.Combine(Path.GetTempPath(), "mlnetbatch-models");

    /// <summary>Whether <paramref name="path"/> names a model in a store rather than a local file.</summary>
    public static bool IsRemote(string path) => path.Contains("://", StringComparison.Ordinal) && !path.StartsWith("file://", StringComparison.OrdinalIgnoreCase);

    /// <summary>A local file holding the model at <paramref name="path"/>: the path itself when local, else the cached copy of its current version.</summary>
    public async Task<string> LocalPathAsync(string path, CancellationToken cancellationToken)
    {
        if (!IsRemote(path))
        {
            return path;
        }

        var location = ObjectLocation.Parse(path);
        var store = resolver.Resolve(location);
        ObjectInfo version;
        try
        {
            version = await store.StatAsync(location, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectNotFoundException)
        {
            throw new MlNetBatchException($"the model '{path}' does not exist.");
        }

        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{location}\n{version.ETag}\n{version.Size}")))[..32];
        var file = Path.Combine(cacheDirectory, key, Path.GetFileName(location.Key));
        if (File.Exists(file) && new FileInfo(file).Length == version.Size)
        {
            return file;
        }

        // Fetched under a name of its own and moved into place whole: a reader, or another worker process sharing the
        // cache, never loads half a model.
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var partial = $"{file}.{Guid.NewGuid():N}.partial";
        try
        {
            await using (var input = await store.OpenReadAsync(location, version, cancellationToken).ConfigureAwait(false))
            await using (var output = File.Create(partial))
            {
                await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }

            File.Move(partial, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MlNetBatchException($"the model '{path}' could not be copied into the model cache {cacheDirectory} ({e.Message}).", e);
        }
        finally
        {
            File.Delete(partial);
        }

        return file;
    }
}
