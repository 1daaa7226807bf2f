using System.Net.Http;
using System.Net.Sockets;

namespace MlNetBatch.Storage;

/// <summary>Tells failures worth retrying (timeouts, dropped connections, throttling) from permanent ones.</summary>
public static class TransientFailures
{
    /// <summary>
    /// Whether <paramref name="exception"/>, or what it wraps, is transient. A permanent MlNetBatch error anywhere in
    /// the chain (bad data, a missing object, a changed object, a model error) makes the whole failure permanent.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        var transient = false;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case StorageException storage:
                    return storage.IsTransient;
                case MlNetBatchException:
                    return false;
                case FileNotFoundException or DirectoryNotFoundException or OperationCanceledException:
                    return false;
                case UnauthorizedAccessException:
                    return false;
                case IOException io when DiskFull.Is(io):
                    // The retry would write to the same full disk.
                    return false;
                case IOException or TimeoutException or HttpRequestException or SocketException:
                    transient = true;
                    break;
            }
        }

        return transient;
    }
}
