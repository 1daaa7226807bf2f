using MlNetBatch.Storage.S3.Tests.Support;
using MlNetBatch.Testing.Storage;

namespace MlNetBatch.Storage.S3.Tests.S3;

/// <summary>The storage contract against s3rver, with parts of S3's minimum size so that a 6 MiB upload sends a part before commit.</summary>
public sealed class S3ObjectStoreContractTests(S3rverFixture s3) : ObjectStoreContract, IClassFixture<S3rverFixture>
{
    private readonly string _prefix = S3rverFixture.NewPrefix();

    protected override IObjectStore Store { get; } = s3.Store(o =>
        (o.PartSizeBytes, o.ReadBlockBytes, o.ReadAheadBytes) = (S3StorageOptions.MinimumPartSizeBytes, 64 << 10, 256 << 10));

    protected override ObjectLocation NewLocation(string name) => S3rverFixture.Location($"{_prefix}/{name}");

    [Fact(Skip = "s3rver 3.7 ignores If-Match on PUT (S3ObjectStoreTests.S3rver_ignores_IfMatch_on_a_put proves it), so writers racing to replace one version all win there (8 of 8 in two of three runs); the store's stat first refuses only a version already stale. S3 itself answers the loser 412 or 409.")]
    public override Task Contract_of_writers_racing_to_replace_one_version_exactly_one_wins() =>
        base.Contract_of_writers_racing_to_replace_one_version_exactly_one_wins();
}
