namespace MlNetBatch.Formats.Images;

/// <summary>The image files an <c>Images</c> source reads: those the imaging library (SkiaSharp) decodes.</summary>
public static class ImageFileTypes
{
    /// <summary>The extensions, with their dots, in lower case.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".webp"];

    /// <summary>Whether the object key <paramref name="key"/> names an image file, by its extension (any case).</summary>
    public static bool IsImage(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var extension = Path.GetExtension(key);
        foreach (var known in Extensions)
        {
            if (extension.Equals(known, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
