namespace MlNetBatch.Pipeline;

/// <summary>A block transform does not fit its input columns, or its settings are wrong; the message says which column or setting.</summary>
public sealed class BlockTransformException(string message, Exception? innerException = null) : MlNetBatchException(message, innerException);
