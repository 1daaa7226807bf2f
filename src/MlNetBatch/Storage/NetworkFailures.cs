using System.Net.Http;
using System.Net.Sockets;

namespace MlNetBatch.Storage;

/// <summary>Recognises failures to reach a storage endpoint and says what happened in plain words.</summary>
public static class NetworkFailures
{
    /// <summary>Whether <paramref name="exception"/>, or what it wraps, is a failure to reach the endpoint.</summary>
    public static bool IsNetworkFailure(Exception exception) =>
        exception is HttpRequestException or SocketException or IOException or TimeoutException or TaskCanceledException
        || (exception.InnerException is { } inner && IsNetworkFailure(inner));

    /// <summary>The cause in words: "the connection was refused", "the host name does not resolve"…</summary>
    public static string Describe(Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is { } inner)
        {
            innermost = inner;
        }

        return innermost switch
        {
            SocketException socket => socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "the connection was refused",
                SocketError.HostNotFound or SocketError.NoData => "the host name does not resolve",
                SocketError.TimedOut => "the connection timed out",
                SocketError.ConnectionReset => "the connection was reset",
                _ => socket.Message,
            },
            TimeoutException or TaskCanceledException => "the request timed out",
            var other => other.Message,
        };
    }
}
