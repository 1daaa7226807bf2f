using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Samples.Generator;
using ParquetSharp;

namespace MlNetBatch.Benchmarks;

/// <summary>
/// The job's work written by hand, as a user would without MlNetBatch: for each input file and row group, read the
/// 17 columns with ParquetSharp into arrays, pack the 16 features into one tensor, one ONNX Runtime run, and write
/// id + probabilities + label as one row group of a Parquet file. One file after another on one thread, scoring
/// with one intra-op thread, as each of a job's partitions does.
/// </summary>
/// <remarks>
/// ParquetSharp's obvious way to write a list column, one <c>float[]</c> per row, costs most of the loop's time; a
/// user who knows Parquet's levels can write the probabilities in one call instead (<c>listAsLevels</c>), as the
/// job's sink does. Both are measured, so the job is compared with the better loop too.
/// </remarks>
internal static class HandWrittenLoop
{
    /// <summary>Scores every file into <paramref name="outputDirectory"/>, one output file per input file.</summary>
    public static void Run(IReadOnlyList<string> inputFiles, string modelPath, string outputDirectory, bool listAsLevels = false)
    {
        Directory.CreateDirectory(outputDirectory);
        using var sessionOptions = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(modelPath, sessionOptions);
        using var runOptions = new RunOptions();
        var featureCount = TabularData.FeatureColumns.Count;
        long[] ids = [];
        var features = new float[featureCount][];
        float[] tensor = [];
        short[] definitions = [];
        short[] repetitions = [];
        foreach (var inputFile in inputFiles)
        {
            using var reader = new ParquetFileReader(inputFile);
            var outputPath = Path.Combine(outputDirectory, Path.GetFileName(inputFile));
            Column[] outputColumns = [new Column<long>(TabularData.IdColumn), new Column<float[]>(TabularModel.ProbabilitiesName), new Column<long>(TabularModel.LabelName)];
            using var writer = new ParquetFileWriter(outputPath, outputColumns, Compression.Snappy);
            for (var g = 0; g < reader.FileMetaData.NumRowGroups; g++)
            {
                using var rowGroup = reader.RowGroup(g);
                var rows = checked((int)rowGroup.MetaData.NumRows);
                if (ids.Length < rows)
                {
                    ids = new long[rows];
                    for (var f = 0; f < featureCount; f++)
                    {
                        features[f] = new float[rows];
                    }

                    tensor = new float[rows * featureCount];
                }

                ReadColumn(rowGroup, 0, ids.AsSpan(0, rows));
                for (var f = 0; f < featureCount; f++)
                {
                    ReadColumn(rowGroup, f + 1, features[f].AsSpan(0, rows));
                }

                for (var r = 0; r < rows; r++)
                {
                    for (var f = 0; f < featureCount; f++)
                    {
                        tensor[r * featureCount + f] = features[f][r];
                    }
                }

                using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, tensor.AsMemory(0, rows * featureCount), [rows, featureCount]);
                using var results = session.Run(runOptions, [TabularModel.InputName], [input], [TabularModel.ProbabilitiesName, TabularModel.LabelName]);
                var probabilities = results[0].GetTensorDataAsSpan<float>();
                var labels = results[1].GetTensorDataAsSpan<long>();
                using var outputGroup = writer.AppendRowGroup();
                using (var idWriter = outputGroup.NextColumn().LogicalWriter<long>())
                {
                    idWriter.WriteBatch(ids.AsSpan(0, rows));
                }

                if (listAsLevels)
                {
                    var items = rows * TabularModel.ClassCount;
                    using var probabilityWriter = (ColumnWriter<float>)outputGroup.NextColumn();
                    if (definitions.Length < items)
                    {
                        definitions = new short[items];
                        repetitions = new short[items];
                    }

                    definitions.AsSpan(0, items).Fill(probabilityWriter.ColumnDescriptor.MaxDefinitionLevel);
                    for (var i = 0; i < items; i++)
                    {
                        // 0 starts a row's list, 1 continues it.
                        repetitions[i] = (short)(i % TabularModel.ClassCount == 0 ? 0 : 1);
                    }

                    probabilityWriter.WriteBatch(items, definitions.AsSpan(0, items), repetitions.AsSpan(0, items), probabilities[..items]);
                }
                else
                {
                    var rowProbabilities = new float[rows][];
                    for (var r = 0; r < rows; r++)
                    {
                        rowProbabilities[r] = probabilities.Slice(r * TabularModel.ClassCount, TabularModel.ClassCount).ToArray();
                    }

                    using var probabilityWriter = outputGroup.NextColumn().LogicalWriter<float[]>();
                    probabilityWriter.WriteBatch(rowProbabilities);
                }

                using (var labelWriter = outputGroup.NextColumn().LogicalWriter<long>())
                {
                    labelWriter.WriteBatch(labels);
                }
            }

            writer.Close();
        }
    }

    private static void ReadColumn<T>(RowGroupReader rowGroup, int column, Span<T> values)
    {
        using var reader = rowGroup.Column(column).LogicalReader<T>();
        var read = 0;
        while (read < values.Length)
        {
            var count = reader.ReadBatch(values[read..]);
            if (count == 0)
            {
                throw new InvalidDataException($"column {column} ended after {read} of {values.Length} rows");
            }

            read += count;
        }
    }
}
