namespace MlNetBatch.Formats.Parquet.Writing;

/// <summary>A row group already in the file: its row count and one chunk per column, in schema order.</summary>
internal sealed record WrittenRowGroup(int Rows, WrittenColumnChunk[] Chunks);
