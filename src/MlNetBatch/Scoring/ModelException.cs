namespace MlNetBatch.Scoring;

/// <summary>
/// A model of any kind cannot be loaded, does not fit the data, or failed while scoring; the message names the model
/// and, where one is to blame, the column. ONNX models throw the derived <see cref="OnnxModelException"/>.
/// </summary>
public class ModelException(string message, Exception? innerException = null)
    : MlNetBatchException(message, innerException);
