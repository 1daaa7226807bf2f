using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace MlNetBatch.Tests.Storage.Http;

/// <summary>
/// A small static-file server on 127.0.0.1 (HttpListener) with the behaviours the HTTP store depends on, each
/// switchable: byte ranges, If-Match, and cutting a response body off half way.
/// </summary>
public sealed class RangeHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, (byte[] Data, string ETag)> _files = new();
    private readonly Task _loop;
    private int _bodiesToCut;
    private int _rangeRequests;

    public RangeHttpServer()
    {
        // A free port is free only until somebody binds it: on losing it to another process, take another.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                _listener.Prefixes.Clear();
            }
        }

        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public bool SupportsRanges { get; set; } = true;

    public bool HonoursIfMatch { get; set; } = true;

    public int RangeRequests => _rangeRequests;

    /// <summary>When set, requests without exactly this Authorization header are refused with 401.</summary>
    public string? RequiredAuthorization { get; set; }

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path}";

    /// <summary>Serves <paramref name="data"/> at <paramref name="path"/> with a new strong ETag.</summary>
    public void Put(string path, byte[] data) => _files[path] = (data, $"\"{Convert.ToHexString(SHA256.HashData(data))[..16]}\"");

    /// <summary>The next <paramref name="count"/> range responses stop after half their body and drop the connection.</summary>
    public void CutNextBodies(int count) => _bodiesToCut = count;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop this way.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            if (RequiredAuthorization is { } required && request.Headers["Authorization"] != required)
            {
                response.StatusCode = 401;
                response.Close();
                return;
            }

            if (!_files.TryGetValue(request.Url!.AbsolutePath.TrimStart('/'), out var file))
            {
                response.StatusCode = 404;
                response.Close();
                return;
            }

            response.Headers["ETag"] = file.ETag;
            response.Headers["Last-Modified"] = DateTimeOffset.UnixEpoch.ToString("R", CultureInfo.InvariantCulture);
            if (SupportsRanges)
            {
                response.Headers["Accept-Ranges"] = "bytes";
            }

            var range = request.Headers["Range"];
            if (request.HttpMethod == "HEAD" || range is null || !SupportsRanges)
            {
                response.ContentLength64 = file.Data.Length;
                if (request.HttpMethod != "HEAD")
                {
                    await response.OutputStream.WriteAsync(file.Data);
                }

                response.Close();
                return;
            }

            var ifMatch = request.Headers["If-Match"];
            if (HonoursIfMatch && ifMatch is not null && ifMatch != file.ETag)
            {
                response.StatusCode = 412;
                response.Close();
                return;
            }

            Interlocked.Increment(ref _rangeRequests);
            var bounds = range["bytes=".Length..].Split('-');
            var start = long.Parse(bounds[0], CultureInfo.InvariantCulture);
            var end = Math.Min(long.Parse(bounds[1], CultureInfo.InvariantCulture), file.Data.Length - 1);
            var length = (int)(end - start + 1);
            response.StatusCode = 206;
            response.Headers["Content-Range"] = $"bytes {start}-{end}/{file.Data.Length}";
            response.ContentLength64 = length;
            if (Interlocked.Decrement(ref _bodiesToCut) >= 0)
            {
                await response.OutputStream.WriteAsync(file.Data.AsMemory((int)start, length / 2));
                await response.OutputStream.FlushAsync();
                response.Abort();
                return;
            }

            await response.OutputStream.WriteAsync(file.Data.AsMemory((int)start, length));
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away; nothing to answer.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
