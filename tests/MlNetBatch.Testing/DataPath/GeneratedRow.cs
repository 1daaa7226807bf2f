namespace MlNetBatch.Testing.DataPath;

/// <summary>One generated input row: a unique id and one value of each column type the sources serve.</summary>
public sealed record GeneratedRow(long Id, float F, double D, int N, string S)
{
    /// <summary>The columns, as an explicit source schema.</summary>
    public static Dictionary<string, string> Schema => new() { ["id"] = "long", ["f"] = "float", ["d"] = "double", ["n"] = "int", ["s"] = "string" };

    /// <summary>Equal value for value, floating point compared bit for bit (so -0 and 0 differ).</summary>
    public bool SameAs(GeneratedRow other) =>
        Id == other.Id
        && BitConverter.SingleToInt32Bits(F) == BitConverter.SingleToInt32Bits(other.F)
        && BitConverter.DoubleToInt64Bits(D) == BitConverter.DoubleToInt64Bits(other.D)
        && N == other.N
        && S == other.S;
}
