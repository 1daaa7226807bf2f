using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Testing.Images;
using SkiaSharp;

namespace MlNetBatch.Tests.Images;

/// <summary>Folders of generated images for the image tests, and reading image rows back by path.</summary>
internal static class ImageFolders
{
    /// <summary>Writes <paramref name="bitmap"/> encoded as <paramref name="format"/> to <paramref name="path"/>; returns the bytes.</summary>
    public static byte[] Write(string path, SKBitmap bitmap, SKEncodedImageFormat format, int quality = 90)
    {
        var bytes = GeneratedImages.Encode(bitmap, format, quality);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return bytes;
    }

    /// <summary>Writes <paramref name="count"/> small PNG scenes named <c>img-00000.png</c>…; returns their paths in name order.</summary>
    public static List<string> WriteScenes(string folder, int count, int width = 12, int height = 9)
    {
        var paths = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var scene = GeneratedImages.Scene(width, height, seed: i);
            var path = Path.Combine(folder, $"img-{i:D5}.png");
            Write(path, scene, SKEncodedImageFormat.Png);
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>Every row's <paramref name="column"/> vector by the row's <c>path</c>; a path seen twice fails.</summary>
    public static Dictionary<string, T[]> ByPath<T>(IDataView view, string column)
    {
        var columns = new[] { view.Schema["path"], view.Schema[column] };
        using var cursor = view.GetRowCursor(columns);
        var path = cursor.GetGetter<ReadOnlyMemory<char>>(columns[0]);
        var values = cursor.GetGetter<VBuffer<T>>(columns[1]);
        var rows = new Dictionary<string, T[]>(StringComparer.Ordinal);
        ReadOnlyMemory<char> name = default;
        VBuffer<T> value = default;
        while (cursor.MoveNext())
        {
            path(ref name);
            values(ref value);
            rows.Add(name.ToString(), value.DenseValues().ToArray());
        }

        return rows;
    }

    /// <summary>The one row's <paramref name="column"/> vector of a view over a single image.</summary>
    public static T[] Single<T>(IDataView view, string column) => Assert.Single(ByPath<T>(view, column)).Value;
}
