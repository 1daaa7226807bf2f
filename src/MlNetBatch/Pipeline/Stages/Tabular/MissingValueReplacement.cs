namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>What <see cref="ReplaceMissingValuesBlockTransform"/> puts where a value is missing (NaN).</summary>
public enum MissingValueReplacement
{
    /// <summary>The type's default, 0 (ML.NET's <c>DefaultValue</c>).</summary>
    DefaultValue,

    /// <summary>The mean of the finite values of the plan-time sample, computed as ML.NET's <c>Mean</c> does.</summary>
    Mean,

    /// <summary>A constant given in configuration (<c>ReplacementValue</c>); ML.NET has no such mode.</summary>
    Constant,
}
