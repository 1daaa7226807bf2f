using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Scoring;
using MlNetBatch.Tests.Support;

namespace MlNetBatch.Tests.Scoring;

/// <summary>
/// A saved <c>ScoreOnnx</c> must score in stock ML.NET: every model and binding in <see cref="SavedModelCases"/> is
/// saved, loaded with <c>Model.Load</c> and <c>Model.LoadBatched</c>, and must give <c>ScoreOnnx</c>'s values.
/// </summary>
public class SavedModelRoundTripTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Theory]
    [MemberData(nameof(SavedModelCases.Names), MemberType = typeof(SavedModelCases))]
    public void A_saved_model_scores_the_same_in_stock_mlnet_and_batched_as_in_ScoreOnnx(string name)
    {
        using var dir = new TempDirectory();
        var (data, options) = SavedModelCases.All.Single(c => c.Name == name).Build(_ml, dir);
        using var transformer = _ml.Transforms.ScoreOnnx(options).Fit(data);
        var path = dir.Combine("model.zip");

        var ours = transformer.Transform(data);
        _ml.Model.Save(transformer, data.Schema, path);
        var stock = new MLContext().Model.Load(path, out _).Transform(data);
        var batched = new MLContext().Model.LoadBatched(path, out _).Transform(data);

        foreach (var (loader, view) in new[] { ("Model.Load", stock), ("Model.LoadBatched", batched) })
        {
            foreach (var output in transformer.Model.Outputs)
            {
                AssertSameValues(ours, view, output.ColumnName, $"{name}: {loader}");
            }

            // The saved chain reshapes and renames inputs on its own columns; the caller's columns come out as they went in.
            foreach (var column in data.Schema)
            {
                Assert.Equal(column.Type, view.Schema[column.Name].Type);
                AssertSameValues(data, view, column.Name, $"{name}: {loader}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(SavedModelCases.Names), MemberType = typeof(SavedModelCases))]
    public void ScoreOnnx_LoadBatched_and_stock_Load_give_the_same_visible_columns_of_the_same_types(string name)
    {
        using var dir = new TempDirectory();
        var (data, options) = SavedModelCases.All.Single(c => c.Name == name).Build(_ml, dir);
        using var transformer = _ml.Transforms.ScoreOnnx(options).Fit(data);
        var path = dir.Combine("model.zip");
        _ml.Model.Save(transformer, data.Schema, path);

        var ours = Visible(transformer.GetOutputSchema(data.Schema));
        var stock = Visible(new MLContext().Model.Load(path, out _).GetOutputSchema(data.Schema));
        var batched = Visible(new MLContext().Model.LoadBatched(path, out _).GetOutputSchema(data.Schema));

        // Renamed inputs and outputs leave no working columns behind (features, the model's own output names…).
        Assert.Equal(ours, stock);
        Assert.Equal(ours, batched);
        Assert.All(transformer.Model.Outputs, o => Assert.IsType<VectorDataViewType>(transformer.GetOutputSchema(data.Schema)[o.ColumnName].Type));
    }

    [Fact]
    public void Every_test_model_has_a_saved_model_case()
    {
        var models = typeof(TestModels).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.ReturnType == typeof(string))
            .Select(m => m.Name)
            .Append(SavedModelCases.SampleModel);

        Assert.All(models, model => Assert.Contains(SavedModelCases.All, c => c.Model == model));
    }

    private static List<string> Visible(DataViewSchema schema) =>
        schema.Where(c => !c.IsHidden).Select(c => $"{c.Name}: {Describe(c.Type)}").Order(StringComparer.Ordinal).ToList();

    private static string Describe(DataViewType type) =>
        type is VectorDataViewType vector ? $"{vector.ItemType}[{string.Join(",", vector.Dimensions)}]" : type.ToString()!;

    private static void AssertSameValues(IDataView expected, IDataView actual, string column, string context)
    {
        var type = expected.Schema[column].Type;
        var itemType = (type is VectorDataViewType vector ? vector.ItemType : type).RawType;
        if (itemType == typeof(float))
        {
            AssertRows(Rows<float>(expected, column), Rows<float>(actual, column), (a, b) => Close(a, b), context, column);
        }
        else if (itemType == typeof(double))
        {
            AssertRows(Rows<double>(expected, column), Rows<double>(actual, column), Close, context, column);
        }
        else if (itemType == typeof(long))
        {
            AssertRows(Rows<long>(expected, column), Rows<long>(actual, column), (a, b) => a == b, context, column);
        }
        else if (itemType == typeof(int))
        {
            AssertRows(Rows<int>(expected, column), Rows<int>(actual, column), (a, b) => a == b, context, column);
        }
        else
        {
            Assert.Fail($"{context}: no comparison for column '{column}' of {itemType.Name}.");
        }
    }

    // Exact, or within 1e-6 relative (absolute below 1): stock ML.NET scores one row at a time, and ONNX Runtime may
    // sum a row in another order then; a sum that cancels to near 0 keeps the summands' rounding, not its own.
    private static bool Close(double a, double b) => a.Equals(b) || Math.Abs(a - b) <= 1e-6 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));

    private static void AssertRows<T>(List<T[]> expected, List<T[]> actual, Func<T, T, bool> equal, string context, string column)
    {
        Assert.True(expected.Count == actual.Count, $"{context}: column '{column}' has {actual.Count} rows, expected {expected.Count}.");
        for (var row = 0; row < expected.Count; row++)
        {
            Assert.True(expected[row].Length == actual[row].Length, $"{context}: column '{column}' row {row} has {actual[row].Length} values, expected {expected[row].Length}.");
            for (var i = 0; i < expected[row].Length; i++)
            {
                Assert.True(equal(expected[row][i], actual[row][i]), $"{context}: column '{column}' row {row} value {i} is {actual[row][i]}, expected {expected[row][i]}.");
            }
        }
    }

    // Scalars and vectors alike, as the values of each row: the loaders differ in which they give for [batch] outputs.
    private static List<T[]> Rows<T>(IDataView view, string column) => view.Schema[column].Type is VectorDataViewType
        ? DataViewReader.Vectors<T>(view, column)
        : DataViewReader.Column<T>(view, column).Select(v => new[] { v }).ToList();
}
