using System.Text;
using MlNetBatch.Storage;
using Xunit;

namespace MlNetBatch.Testing.Storage;

/// <summary>The conditional writes leases and manifests rely on: create if absent, replace only the version last seen.</summary>
public abstract partial class ObjectStoreContract
{
    [Fact]
    public virtual async Task Contract_a_conditional_replace_fails_on_a_stale_version_and_succeeds_on_the_current_one()
    {
        var location = NewLocation("conditional.json");
        if (!Writes)
        {
            var refused = await Assert.ThrowsAsync<NotSupportedException>(() => Store.TryReplaceAsync(location, "one"u8.ToArray(), "1"));
            Assert.Contains("read-only", refused.Message);
            return;
        }

        var first = await Store.TryCreateNewAsync(location, "one"u8.ToArray());
        Assert.NotNull(first);
        Assert.True(ObjectVersion.IsSameTag(first, (await Store.StatAsync(location)).ETag), "the version a create returns is the one stat reports");

        var second = await Store.TryReplaceAsync(location, "two"u8.ToArray(), first);
        Assert.NotNull(second);
        Assert.False(ObjectVersion.IsSameTag(first, second));
        Assert.Null(await Store.TryReplaceAsync(location, "stale"u8.ToArray(), first));
        Assert.Equal("two", await ReadTextAsync(location));

        var third = await Store.TryReplaceAsync(location, "three"u8.ToArray(), second);
        Assert.NotNull(third);
        Assert.True(ObjectVersion.IsSameTag(third, (await Store.StatAsync(location)).ETag));
        Assert.Equal("three", await ReadTextAsync(location));

        // Gone is no version at all: a replacement does not bring it back.
        await Store.DeleteAsync(location);
        Assert.Null(await Store.TryReplaceAsync(location, "four"u8.ToArray(), third));
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => Store.StatAsync(location));
    }

    [Fact]
    public virtual async Task Contract_of_writers_racing_to_replace_one_version_exactly_one_wins()
    {
        if (!Writes)
        {
            return;
        }

        var location = NewLocation("raced.json");
        var start = await Store.TryCreateNewAsync(location, "start"u8.ToArray());
        Assert.NotNull(start);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => Store.TryReplaceAsync(location, Encoding.UTF8.GetBytes($"writer {i}"), start))));

        var winner = Assert.Single(results.Select((version, writer) => (version, writer)), r => r.version is not null);
        Assert.Equal($"writer {winner.writer}", await ReadTextAsync(location));
        Assert.True(ObjectVersion.IsSameTag(winner.version!, (await Store.StatAsync(location)).ETag));
    }

    private async Task<string> ReadTextAsync(ObjectLocation location) => Encoding.UTF8.GetString(await ObjectBytes.ReadAsync(Store, location));
}
