namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>How <c>Resize</c> fits an image into the target width and height.</summary>
public enum ImageResizeMode
{
    /// <summary>Scales the shorter side to the target, then cuts the centre out (torchvision's Resize + CenterCrop at equal sizes): no distortion, the edges are lost.</summary>
    CropCenter,

    /// <summary>Scales each side to the target on its own: the whole image, its aspect ratio changed.</summary>
    Stretch,

    /// <summary>Scales the longer side to the target and centres the image on black (letterbox): the whole image, undistorted.</summary>
    Pad,
}
