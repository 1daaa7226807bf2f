using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>
/// ML.NET's <c>Hashing</c> on whole blocks, for a text, float or double column: each value becomes a key in
/// <c>[1, 2^bits]</c>, the same key the stock transform gives with the same bits and seed. Missing values (empty
/// text, NaN) map to key 0. Text is hashed with its leading and trailing spaces trimmed, as ML.NET does.
/// </summary>
public sealed class HashingBlockTransform : IBlockTransform
{
    /// <summary>ML.NET's default number of bits.</summary>
    public const int DefaultNumberOfBits = 31;

    /// <summary>ML.NET's default seed.</summary>
    public const uint DefaultSeed = 314489979;

    private readonly string[] _inputs;

    /// <summary>Creates the transform.</summary>
    public HashingBlockTransform(string outputColumnName, string inputColumnName, int numberOfBits = DefaultNumberOfBits, uint seed = DefaultSeed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        ArgumentOutOfRangeException.ThrowIfLessThan(numberOfBits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numberOfBits, 31);
        OutputColumn = outputColumnName;
        InputColumn = inputColumnName;
        NumberOfBits = numberOfBits;
        Seed = seed;
        _inputs = [inputColumnName];
    }

    /// <inheritdoc />
    public string Name => "Hashing";

    /// <summary>The key column the transform adds.</summary>
    public string OutputColumn { get; }

    /// <summary>The column hashed.</summary>
    public string InputColumn { get; }

    /// <summary>Bits of the hash kept: keys run from 1 to 2^bits.</summary>
    public int NumberOfBits { get; }

    /// <summary>The hash seed.</summary>
    public uint Seed { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> InputColumns => _inputs;

    /// <inheritdoc />
    public IReadOnlyList<BlockOutputColumn> GetOutputColumns(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var input = TabularColumns.Require(inputSchema, Name, InputColumn);
        if (input.Type is not TextDataViewType && input.Type != NumberDataViewType.Single && input.Type != NumberDataViewType.Double)
        {
            throw new BlockTransformException($"Hashing into '{OutputColumn}': column '{InputColumn}' holds {input.Type}; it hashes a text, float or double column.");
        }

        return [new BlockOutputColumn(OutputColumn, new KeyDataViewType(typeof(uint), 1UL << NumberOfBits))];
    }

    /// <inheritdoc />
    public IBlockMapper CreateMapper(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var output = schema[OutputColumn].Index;
        var input = BlockColumns.InputIndex(schema, InputColumn, output);
        return new Mapper(input, output, schema[input].Type, Seed, (1U << NumberOfBits) - 1);
    }

    private sealed class Mapper(int input, int output, DataViewType type, uint seed, uint mask) : IBlockMapper
    {
        public void Map(RecordBatch block)
        {
            var keys = block.Column<ScalarColumnBuffer<uint>>(output).Values.AsSpan(0, block.RowCount);
            if (type is TextDataViewType)
            {
                var values = block.Column<TextColumnBuffer>(input).Values;
                for (var r = 0; r < keys.Length; r++)
                {
                    var value = values[r];
                    keys[r] = value.IsEmpty ? 0 : (MurmurHash.Text(seed, value.Span.Trim(' ')) & mask) + 1;
                }
            }
            else if (type == NumberDataViewType.Single)
            {
                var values = block.Column<ScalarColumnBuffer<float>>(input).Values;
                for (var r = 0; r < keys.Length; r++)
                {
                    var value = values[r];
                    // ML.NET hashes -0 as 0, so the two zeros share a key.
                    keys[r] = float.IsNaN(value) ? 0 : (MurmurHash.Mix(MurmurHash.Round(seed, BitConverter.SingleToUInt32Bits(value == 0 ? 0 : value)), sizeof(float)) & mask) + 1;
                }
            }
            else
            {
                var values = block.Column<ScalarColumnBuffer<double>>(input).Values;
                for (var r = 0; r < keys.Length; r++)
                {
                    keys[r] = HashDouble(values[r]);
                }
            }
        }

        private uint HashDouble(double value)
        {
            if (double.IsNaN(value))
            {
                return 0;
            }

            var bits = BitConverter.DoubleToUInt64Bits(value == 0 ? 0 : value);
            var hash = MurmurHash.Round(MurmurHash.Round(seed, (uint)bits), (uint)(bits >> 32));
            return (MurmurHash.Mix(hash, sizeof(double)) & mask) + 1;
        }
    }
}
