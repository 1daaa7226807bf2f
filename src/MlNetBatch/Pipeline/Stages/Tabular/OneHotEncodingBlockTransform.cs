using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>
/// ML.NET's <c>OneHotEncoding</c> (output kind <c>Indicator</c>) on whole blocks: a float vector as long as the
/// vocabulary, 1 in the slot of the row's term and 0 elsewhere. A missing value (empty text, NaN) or a value the
/// vocabulary does not hold gives a row of zeros, as the stock transform's missing key does.
/// </summary>
public sealed class OneHotEncodingBlockTransform(string outputColumnName, string inputColumnName, KeyVocabulary? vocabulary = null, int maximumKeys = KeyVocabulary.DefaultMaximumKeys)
    : KeyMappingBlockTransform(outputColumnName, inputColumnName, vocabulary, maximumKeys)
{
    /// <inheritdoc />
    public override string Name => "OneHotEncoding";

    /// <inheritdoc />
    protected override DataViewType OutputType => new VectorDataViewType(NumberDataViewType.Single, KeyCount);

    /// <inheritdoc />
    protected override KeyMappingBlockTransform WithVocabulary(KeyVocabulary vocabulary) =>
        new OneHotEncodingBlockTransform(OutputColumn, InputColumn, vocabulary, MaximumKeys);

    private protected override IBlockMapper CreateMapper(KeyLookupMapper lookup, int output) => new Mapper(lookup, output);

    private sealed class Mapper(KeyLookupMapper lookup, int output) : IBlockMapper
    {
        private uint[] _keys = [];

        public void Map(RecordBatch block)
        {
            var target = block.Column<VectorColumnBuffer<float>>(output);
            if (_keys.Length < block.RowCount)
            {
                _keys = new uint[block.RowCount];
            }

            var keys = _keys.AsSpan(0, block.RowCount);
            lookup.Lookup(block, keys);
            var width = target.Size;
            var values = target.Values.AsSpan(0, block.RowCount * width);
            values.Clear();
            for (var r = 0; r < keys.Length; r++)
            {
                if (keys[r] != 0)
                {
                    values[(r * width) + (int)keys[r] - 1] = 1f;
                }
            }
        }
    }
}
