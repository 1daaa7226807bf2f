using System.ComponentModel;

namespace MlNetBatch.Data;

/// <summary>
/// A file format, by name: <see cref="Parquet"/>, <see cref="Csv"/> and <see cref="JsonLines"/> are built in, and a
/// format package registers its own (<c>new DataFormatKind("Avro")</c>). Names compare ignoring case, so configuration
/// may write <c>parquet</c> or <c>Parquet</c>.
/// </summary>
/// <remarks>An open set, like <see cref="System.Security.Cryptography.HashAlgorithmName"/>: a new format is a registration, not an edit here.</remarks>
[TypeConverter(typeof(DataFormatKindConverter))]
public readonly struct DataFormatKind : IEquatable<DataFormatKind>
{
    private readonly string? _name;

    /// <summary>Names a format.</summary>
    /// <param name="name">The format's name, for example <c>Parquet</c> or a registered package's own name.</param>
    public DataFormatKind(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name.Trim();
    }

    /// <summary>Apache Parquet.</summary>
    public static DataFormatKind Parquet { get; } = new("Parquet");

    /// <summary>Comma- (or otherwise) separated values.</summary>
    public static DataFormatKind Csv { get; } = new("Csv");

    /// <summary>One JSON object per line.</summary>
    public static DataFormatKind JsonLines { get; } = new("JsonLines");

    /// <summary>Plain text, one row per line.</summary>
    public static DataFormatKind Text { get; } = new("Text");
    /// <summary>A set of image files (JPEG, PNG, BMP, WebP), one row per image.</summary>
    public static DataFormatKind Images { get; } = new("Images");

    /// <summary>The name, as it was given (empty for <c>default</c>, which names no format).</summary>
    public string Name => _name ?? string.Empty;

    /// <summary>Whether two kinds name the same format (ignoring case).</summary>
    public static bool operator ==(DataFormatKind left, DataFormatKind right) => left.Equals(right);

    /// <summary>Whether two kinds name different formats.</summary>
    public static bool operator !=(DataFormatKind left, DataFormatKind right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(DataFormatKind other) => string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DataFormatKind other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Name);

    /// <inheritdoc />
    public override string ToString() => Name;
}
