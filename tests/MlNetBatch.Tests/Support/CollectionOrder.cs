using MlNetBatch.Testing.Ordering;

// Measured: each of these runs for seconds to tens of seconds (worker processes, many generated cases, waits), one test
// after another; started late, any of them ran on alone at the end of the run.
[assembly: TestCollectionOrderer(LongestFirstCollectionOrderer.TypeName, LongestFirstCollectionOrderer.AssemblyName)]
[assembly: StartFirst(
    "MlNetBatch.Tests.Jobs.Commit.CrashRecoveryTests",
    "MlNetBatch.Tests.Data.ParquetDataPathPropertyTests",
    "MlNetBatch.Tests.Pipeline.StageIntegrityAuditTests",
    "MlNetBatch.Tests.Data.JsonLinesDataPathPropertyTests",
    "MlNetBatch.Tests.Data.CsvDataPathPropertyTests",
    "MlNetBatch.Tests.Jobs.Commit.GracefulStopTests",
    "MlNetBatch.Tests.Jobs.Commit.SharedOutputTests",
    "MlNetBatch.Tests.Storage.CrossStoreJobTests",
    MlNetBatch.Tests.Support.InProcessWorkerHostCollection.Name,
    "MlNetBatch.Tests.Worker.ConfigurationReportTests",
    "MlNetBatch.Tests.Worker.FailureMessageTests",
    "MlNetBatch.Tests.Scoring.SavedModelRoundTripTests",
    "MlNetBatch.Tests.Data.CsvPythonAgreementTests")]
