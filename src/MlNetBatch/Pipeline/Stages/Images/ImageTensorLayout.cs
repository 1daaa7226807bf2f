namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>The order of a <c>ToTensor</c> row's values.</summary>
public enum ImageTensorLayout
{
    /// <summary>Channel, then row, then column ([C, H, W] per image; PyTorch and most ONNX vision models).</summary>
    Nchw,

    /// <summary>Row, then column, then channel ([H, W, C] per image; TensorFlow, and the decoded pixels' own order).</summary>
    Nhwc,
}
