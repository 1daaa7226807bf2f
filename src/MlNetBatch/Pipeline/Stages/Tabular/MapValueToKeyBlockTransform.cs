using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>
/// ML.NET's <c>MapValueToKey</c> on whole blocks: each value becomes its key in the vocabulary (its position plus
/// one), with the stock transform's defaults (terms in order of first occurrence). Missing values (empty text, NaN)
/// and values the vocabulary does not hold map to key 0, ML.NET's missing key. The key's values (slot names) are
/// not attached to the column.
/// </summary>
public sealed class MapValueToKeyBlockTransform(string outputColumnName, string inputColumnName, KeyVocabulary? vocabulary = null, int maximumKeys = KeyVocabulary.DefaultMaximumKeys)
    : KeyMappingBlockTransform(outputColumnName, inputColumnName, vocabulary, maximumKeys)
{
    /// <inheritdoc />
    public override string Name => "MapValueToKey";

    /// <inheritdoc />
    protected override DataViewType OutputType => new KeyDataViewType(typeof(uint), KeyCount);

    /// <inheritdoc />
    protected override KeyMappingBlockTransform WithVocabulary(KeyVocabulary vocabulary) =>
        new MapValueToKeyBlockTransform(OutputColumn, InputColumn, vocabulary, MaximumKeys);

    private protected override IBlockMapper CreateMapper(KeyLookupMapper lookup, int output) => new Mapper(lookup, output);

    private sealed class Mapper(KeyLookupMapper lookup, int output) : IBlockMapper
    {
        public void Map(RecordBatch block) =>
            lookup.Lookup(block, block.Column<ScalarColumnBuffer<uint>>(output).Values.AsSpan(0, block.RowCount));
    }
}
