namespace MlNetBatch.Jobs.Models;

/// <summary>What a job's <c>Model</c> section names: how its rows are scored.</summary>
public enum ModelKind
{
    /// <summary>An <c>.onnx</c> file run by ONNX Runtime (<see cref="Scoring.ScoreOnnxOptions"/>).</summary>
    Onnx,

    /// <summary>A model saved with ML.NET's <c>MLContext.Model.Save</c> (a <c>.zip</c>), applied with its <c>Transform</c>.</summary>
    MlNet,

    /// <summary>An <see cref="Scoring.Functions.IBatchModel"/> registered with <c>services.AddBatchModel&lt;T&gt;(name)</c>.</summary>
    Function,
}
