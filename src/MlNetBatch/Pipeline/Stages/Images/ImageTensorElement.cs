namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>The element type of a <c>ToTensor</c> row.</summary>
public enum ImageTensorElement
{
    /// <summary>32-bit floats: each value scaled, then normalized with the channel's mean and standard deviation.</summary>
    Float,

    /// <summary>The 8-bit pixel values as they are (for quantized models); no scale, mean or std.</summary>
    UInt8,
}
