using MlNetBatch.Formats.Parquet.Pages;
using Parquet.Schema;

namespace MlNetBatch.Formats.Parquet.Writing;

/// <summary>
/// Writes Parquet's Thrift metadata: data page headers and the file footer. Field numbers are those of
/// <c>parquet.thrift</c>; the names beside them say which.
/// </summary>
internal static class ParquetMetadataWriter
{
    private const int DataPage = 0;
    private const int Required = 0;
    private const int Optional = 1;
    private const int Repeated = 2;
    private const int ConvertedUtf8 = 0;
    private const int ConvertedList = 3;
    private const int ConvertedInt32 = 17;
    private const int ConvertedInt64 = 18;

    /// <summary>Writes the header of a data page (v1) whose levels are RLE-encoded.</summary>
    public static void WriteDataPageHeader(PooledBufferWriter output, EncodedPage page, int uncompressedSize, int compressedSize)
    {
        var thrift = new ThriftCompactWriter(output);
        thrift.BeginStruct();
        thrift.Int32Field(1, DataPage); // type
        thrift.Int32Field(2, uncompressedSize); // uncompressed_page_size
        thrift.Int32Field(3, compressedSize); // compressed_page_size
        thrift.BeginStructField(5); // data_page_header
        thrift.Int32Field(1, page.ValueCount); // num_values
        thrift.Int32Field(2, (int)page.Encoding); // encoding
        thrift.Int32Field(3, (int)ValueEncoding.Rle); // definition_level_encoding
        thrift.Int32Field(4, (int)ValueEncoding.Rle); // repetition_level_encoding
        thrift.EndStruct();
        thrift.EndStruct();
    }

    /// <summary>Writes the footer's <c>FileMetaData</c>: schema, row groups and column chunks.</summary>
    public static void WriteFooter(PooledBufferWriter output, IReadOnlyList<ParquetColumnLayout> columns, IReadOnlyList<WrittenRowGroup> rowGroups, string createdBy)
    {
        var thrift = new ThriftCompactWriter(output);
        thrift.BeginStruct();
        thrift.Int32Field(1, 1); // version
        WriteSchema(thrift, columns);
        thrift.Int64Field(3, rowGroups.Sum(g => (long)g.Rows)); // num_rows
        thrift.BeginListField(4, ThriftCompactWriter.StructType, rowGroups.Count); // row_groups
        foreach (var rowGroup in rowGroups)
        {
            WriteRowGroup(thrift, columns, rowGroup);
        }

        var metadata = ParquetTypeMapping.VectorSizeMetadata(columns.Select(c => (c.Column.Name, c.Column.Type)));
        if (metadata.Count > 0)
        {
            thrift.BeginListField(5, ThriftCompactWriter.StructType, metadata.Count); // key_value_metadata
            foreach (var (key, value) in metadata)
            {
                thrift.BeginStruct();
                thrift.StringField(1, key); // key
                thrift.StringField(2, value); // value
                thrift.EndStruct();
            }
        }

        thrift.StringField(6, createdBy); // created_by
        thrift.BeginListField(7, ThriftCompactWriter.StructType, columns.Count); // column_orders
        foreach (var _ in columns)
        {
            // TYPE_ORDER: statistics compare values by their type (signed integers, IEEE floats).
            thrift.BeginStruct();
            thrift.EmptyStructField(1);
            thrift.EndStruct();
        }

        thrift.EndStruct();
    }

    private static void WriteSchema(ThriftCompactWriter thrift, IReadOnlyList<ParquetColumnLayout> columns)
    {
        var elements = 1 + columns.Sum(c => c.Field is ListField ? 3 : 1);
        thrift.BeginListField(2, ThriftCompactWriter.StructType, elements); // schema
        thrift.BeginStruct();
        thrift.StringField(4, "root"); // name
        thrift.Int32Field(5, columns.Count); // num_children
        thrift.EndStruct();
        foreach (var column in columns)
        {
            if (column.Field is ListField list)
            {
                // The three-level list the format specifies: <name> (LIST) → repeated group "list" → "element".
                thrift.BeginStruct();
                thrift.Int32Field(3, list.IsNullable ? Optional : Required); // repetition_type
                thrift.StringField(4, list.Name); // name
                thrift.Int32Field(5, 1); // num_children
                thrift.Int32Field(6, ConvertedList); // converted_type
                thrift.BeginStructField(10); // logicalType
                thrift.EmptyStructField(3); // LIST
                thrift.EndStruct();
                thrift.EndStruct();

                thrift.BeginStruct();
                thrift.Int32Field(3, Repeated); // repetition_type
                thrift.StringField(4, ParquetColumnLayout.ListContainerName); // name
                thrift.Int32Field(5, 1); // num_children
                thrift.EndStruct();
            }

            WriteLeaf(thrift, column);
        }
    }

    private static void WriteLeaf(ThriftCompactWriter thrift, ParquetColumnLayout column)
    {
        thrift.BeginStruct();
        thrift.Int32Field(1, (int)column.Type); // type
        thrift.Int32Field(3, column.Leaf.IsNullable ? Optional : Required); // repetition_type
        thrift.StringField(4, column.Leaf.Name); // name
        switch (column.Type)
        {
            case PhysicalType.ByteArray:
                thrift.Int32Field(6, ConvertedUtf8); // converted_type
                thrift.BeginStructField(10); // logicalType
                thrift.EmptyStructField(1); // STRING
                thrift.EndStruct();
                break;
            case PhysicalType.Int32 or PhysicalType.Int64:
                var bits = column.Type == PhysicalType.Int32 ? 32 : 64;
                thrift.Int32Field(6, bits == 32 ? ConvertedInt32 : ConvertedInt64); // converted_type
                thrift.BeginStructField(10); // logicalType
                thrift.BeginStructField(10); // INTEGER
                thrift.ByteField(1, (sbyte)bits); // bitWidth
                thrift.BooleanField(2, true); // isSigned
                thrift.EndStruct();
                thrift.EndStruct();
                break;
        }

        thrift.EndStruct();
    }

    private static void WriteRowGroup(ThriftCompactWriter thrift, IReadOnlyList<ParquetColumnLayout> columns, WrittenRowGroup rowGroup)
    {
        thrift.BeginStruct();
        thrift.BeginListField(1, ThriftCompactWriter.StructType, rowGroup.Chunks.Length); // columns
        for (var c = 0; c < rowGroup.Chunks.Length; c++)
        {
            var chunk = rowGroup.Chunks[c];
            thrift.BeginStruct();
            thrift.Int64Field(2, chunk.Offset); // file_offset
            thrift.BeginStructField(3); // meta_data
            WriteColumnMetaData(thrift, columns[c], chunk);
            thrift.EndStruct();
            thrift.EndStruct();
        }

        thrift.Int64Field(2, rowGroup.Chunks.Sum(c => c.UncompressedSize)); // total_byte_size
        thrift.Int64Field(3, rowGroup.Rows); // num_rows
        thrift.Int64Field(5, rowGroup.Chunks[0].Offset); // file_offset
        thrift.Int64Field(6, rowGroup.Chunks.Sum(c => c.CompressedSize)); // total_compressed_size
        thrift.EndStruct();
    }

    private static void WriteColumnMetaData(ThriftCompactWriter thrift, ParquetColumnLayout column, WrittenColumnChunk chunk)
    {
        thrift.Int32Field(1, (int)column.Type); // type
        thrift.BeginListField(2, ThriftCompactWriter.Int32ElementType, 2); // encodings
        thrift.Int32Element((int)chunk.Encoding);
        thrift.Int32Element((int)ValueEncoding.Rle);
        var path = column.Path;
        thrift.BeginListField(3, ThriftCompactWriter.BinaryElementType, path.Count); // path_in_schema
        foreach (var part in path)
        {
            thrift.StringElement(part);
        }

        thrift.Int32Field(4, (int)chunk.Codec); // codec
        thrift.Int64Field(5, chunk.ValueCount); // num_values
        thrift.Int64Field(6, chunk.UncompressedSize); // total_uncompressed_size
        thrift.Int64Field(7, chunk.CompressedSize); // total_compressed_size
        thrift.Int64Field(9, chunk.Offset); // data_page_offset
        thrift.BeginStructField(12); // statistics
        thrift.Int64Field(3, 0); // null_count
        if (chunk.Statistics is { Min: { } min, Max: { } max })
        {
            thrift.BinaryField(5, max); // max_value
            thrift.BinaryField(6, min); // min_value
        }

        thrift.EndStruct();
    }
}
