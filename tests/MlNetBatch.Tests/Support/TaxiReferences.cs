using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MlNetBatch.Samples.Generator.Taxi;

namespace MlNetBatch.Tests.Support;

/// <summary>The taxi model's two references: raw ONNX Runtime on the exported model, and stock ML.NET's Transform on the .zip.</summary>
public static class TaxiReferences
{
    private static readonly Dictionary<string, Func<TaxiModelInput, string>> s_text = new()
    {
        [TaxiColumns.VendorId] = r => r.VendorId,
        [TaxiColumns.PaymentType] = r => r.PaymentType,
    };

    private static readonly Dictionary<string, Func<TaxiModelInput, float>> s_numbers = new()
    {
        [TaxiColumns.PassengerCount] = r => r.PassengerCount,
        [TaxiColumns.TripDistance] = r => r.TripDistance,
        [TaxiColumns.TripMinutes] = r => r.TripMinutes,
        [TaxiColumns.PickupHour] = r => r.PickupHour,
        [TaxiColumns.PickupDayOfWeek] = r => r.PickupDayOfWeek,
    };

    /// <summary>The names of the model's input columns.</summary>
    public static IEnumerable<string> InputNames => s_text.Keys.Concat(s_numbers.Keys);

    /// <summary>Scores <paramref name="rows"/> in one ONNX Runtime call, each input fed as a [rows, 1] tensor.</summary>
    public static float[] RunOnnx(string modelPath, IReadOnlyList<TaxiModelInput> rows, out IReadOnlyCollection<string> inputNames)
    {
        using var session = new InferenceSession(modelPath);
        inputNames = session.InputMetadata.Keys.ToList();
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            long[] shape = [rows.Count, 1];
            foreach (var (name, metadata) in session.InputMetadata)
            {
                names.Add(name);
                if (metadata.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.String)
                {
                    var tensor = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
                    values.Add(tensor);
                    for (var i = 0; i < rows.Count; i++)
                    {
                        tensor.StringTensorSetElementAt(s_text[name](rows[i]).AsSpan(), i);
                    }
                }
                else
                {
                    values.Add(OrtValue.CreateTensorValueFromMemory(rows.Select(s_numbers[name]).ToArray(), shape));
                }
            }

            using var results = session.Run(new RunOptions(), names, values, ["Score.output"]);
            return results[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }

    /// <summary>The <c>Score</c> column of <paramref name="model"/>'s Transform over <paramref name="rows"/>.</summary>
    public static List<float> Transform(MLContext mlContext, ITransformer model, IEnumerable<TaxiModelInput> rows) =>
        DataViewReader.Column<float>(model.Transform(mlContext.Data.LoadFromEnumerable(rows)), TaxiModel.ScoreColumn);

    /// <summary>The sample files' trips that a job scores (bad and filtered rows left out), derived as the jobs do.</summary>
    public static List<TaxiTrainingRow> SampleRows() =>
        Enumerable.Range(0, TaxiSample.Files).SelectMany(TaxiSample.FileTrips).Select(TaxiFeatures.Derive).OfType<TaxiTrainingRow>().ToList();
}
