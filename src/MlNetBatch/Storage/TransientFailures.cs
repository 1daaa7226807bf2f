using System.Net.Http;
using System.Net.Sockets;

namespace MlNetBatch.Storage;

/// <summary>Tells failures worth retrying (timeouts, dropped connections, throttling) from permanent ones.</summary>
public static class TransientFailures
{
    /// <summary>
    /// Whether <paramref name="exception"/>, or what it wraps, is transient. A permanent MlNetBatch error anywhere in
    /// the chain (bad data, a missing object, a changed object, a model error) makes the whole failure permanent; a
    /// block stage's failure is as transient as what the stage threw.
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
                case Pipeline.BlockStageException:
                    // Names the stage and rows; whether trying again can help is the stage's own failure's to say.
                    continue;
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
