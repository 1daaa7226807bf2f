namespace MlNetBatch.Formats.Parquet.Pages;

/// <summary>The parts of a Parquet page header that decoding a flat column needs.</summary>
internal readonly record struct PageHeader(
    PageKind Kind,
    int UncompressedSize,
    int CompressedSize,
    int ValueCount,
    ValueEncoding Encoding,
    ValueEncoding DefinitionLevelEncoding,
    int DefinitionLevelsLength,
    int RepetitionLevelsLength,
    bool IsCompressed)
{
    /// <summary>Reads a header from the start of <paramref name="data"/>; <paramref name="length"/> is its size in bytes.</summary>
    /// <exception cref="InvalidDataException">The header is malformed or cut off.</exception>
    public static PageHeader Read(ReadOnlySpan<byte> data, out int length)
    {
        var reader = new ThriftCompactReader(data);
        PageKind kind = default;
        int uncompressed = -1, compressed = -1, values = 0, definitionLength = 0, repetitionLength = 0;
        ValueEncoding encoding = default, definitionEncoding = ValueEncoding.Rle;
        var isCompressed = true;
        while (reader.NextField(out var id))
        {
            switch (id)
            {
                case 1:
                    kind = (PageKind)reader.ReadInt32();
                    break;
                case 2:
                    uncompressed = reader.ReadInt32();
                    break;
                case 3:
                    compressed = reader.ReadInt32();
                    break;
                case 5:
                    // DataPageHeader: num_values, encoding, definition_level_encoding, repetition_level_encoding, statistics.
                    var outer = reader.BeginStruct();
                    while (reader.NextField(out var field))
                    {
                        switch (field)
                        {
                            case 1: values = reader.ReadInt32(); break;
                            case 2: encoding = (ValueEncoding)reader.ReadInt32(); break;
                            case 3: definitionEncoding = (ValueEncoding)reader.ReadInt32(); break;
                            default: reader.SkipField(); break;
                        }
                    }

                    reader.EndStruct(outer);
                    break;
                case 8:
                    // DataPageHeaderV2: num_values, num_nulls, num_rows, encoding, definition_levels_byte_length,
                    // repetition_levels_byte_length, is_compressed, statistics.
                    var outerV2 = reader.BeginStruct();
                    while (reader.NextField(out var field))
                    {
                        switch (field)
                        {
                            case 1: values = reader.ReadInt32(); break;
                            case 4: encoding = (ValueEncoding)reader.ReadInt32(); break;
                            case 5: definitionLength = reader.ReadInt32(); break;
                            case 6: repetitionLength = reader.ReadInt32(); break;
                            case 7: isCompressed = reader.ReadBoolean(); break;
                            default: reader.SkipField(); break;
                        }
                    }

                    reader.EndStruct(outerV2);
                    break;
                default:
                    reader.SkipField();
                    break;
            }
        }

        if (uncompressed < 0 || compressed < 0 || values < 0 || definitionLength < 0 || repetitionLength < 0)
        {
            throw new InvalidDataException("Corrupt Parquet page header: a size is missing or negative.");
        }

        length = reader.Position;
        return new PageHeader(kind, uncompressed, compressed, values, encoding, definitionEncoding, definitionLength, repetitionLength, isCompressed);
    }
}
