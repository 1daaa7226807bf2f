namespace MlNetBatch.Scoring;

/// <summary>A model cannot be loaded, does not fit the data, or failed while scoring; the message names the model.</summary>
public sealed class OnnxModelException(string message, Exception? innerException = null)
    : ModelException(message, innerException);
