using SkiaSharp;

namespace MlNetBatch.Pipeline.Stages.Images;

/// <summary>The rectangles of the resize modes: which part of the source a centre crop keeps, where a padded image goes.</summary>
internal static class ResizeGeometry
{
    /// <summary>
    /// The centred part of a <paramref name="width"/> x <paramref name="height"/> image with the target's aspect ratio:
    /// scaling it to the target is scaling the shorter side to the target, then cutting out the centre.
    /// </summary>
    public static SKRectI CenterCrop(int width, int height, int targetWidth, int targetHeight)
    {
        // Compare width/height with targetWidth/targetHeight without rounding.
        if ((long)width * targetHeight > (long)height * targetWidth)
        {
            var cropWidth = (int)Math.Max(1, Math.Round((double)height * targetWidth / targetHeight));
            var left = (width - cropWidth) / 2;
            return new SKRectI(left, 0, left + cropWidth, height);
        }

        var cropHeight = (int)Math.Max(1, Math.Round((double)width * targetHeight / targetWidth));
        var top = (height - cropHeight) / 2;
        return new SKRectI(0, top, width, top + cropHeight);
    }

    /// <summary>Where a <paramref name="width"/> x <paramref name="height"/> image goes, scaled to fit and centred, in the target.</summary>
    public static SKRectI Letterbox(int width, int height, int targetWidth, int targetHeight)
    {
        if ((long)width * targetHeight > (long)height * targetWidth)
        {
            var innerHeight = (int)Math.Max(1, Math.Round((double)height * targetWidth / width));
            var top = (targetHeight - innerHeight) / 2;
            return new SKRectI(0, top, targetWidth, top + innerHeight);
        }

        var innerWidth = (int)Math.Max(1, Math.Round((double)width * targetHeight / height));
        var left = (targetWidth - innerWidth) / 2;
        return new SKRectI(left, 0, left + innerWidth, targetHeight);
    }
}
