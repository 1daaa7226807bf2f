using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace MlNetBatch.Storage.Azure.Tests.Support;

/// <summary>Records every request the store sends (after retries are split out), to check what crosses the network.</summary>
public sealed class RequestLog : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => _entries.ToArray();

    /// <summary>The bytes of blob content that GET requests asked for.</summary>
    public long DownloadedBytes => Entries.Where(e => e.Method == "GET" && e.RangeLength is not null).Sum(e => e.RangeLength!.Value);

    public override void OnSendingRequest(HttpMessage message)
    {
        message.Request.Headers.TryGetValue("x-ms-range", out var range);
        range ??= message.Request.Headers.TryGetValue("Range", out var plain) ? plain : null;
        _entries.Enqueue(new Entry(message.Request.Method.ToString(), message.Request.Uri.Path, range));
    }

    public sealed record Entry(string Method, string Path, string? Range)
    {
        /// <summary>The length of a <c>bytes=first-last</c> range.</summary>
        public long? RangeLength
        {
            get
            {
                if (Range is null || !Range.StartsWith("bytes=", StringComparison.Ordinal))
                {
                    return null;
                }

                var parts = Range["bytes=".Length..].Split('-');
                return long.Parse(parts[1]) - long.Parse(parts[0]) + 1;
            }
        }
    }
}
