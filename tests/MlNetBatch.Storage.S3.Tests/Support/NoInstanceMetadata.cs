using System.Runtime.CompilerServices;

namespace MlNetBatch.Storage.S3.Tests.Support;

/// <summary>Keeps the AWS SDK in this test process from probing EC2 instance metadata for a region or credentials.</summary>
internal static class NoInstanceMetadata
{
    // Tests must only talk to loopback servers; the SDK's fallback chains would otherwise try 169.254.169.254.
    [ModuleInitializer]
    internal static void Disable() => Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
}
