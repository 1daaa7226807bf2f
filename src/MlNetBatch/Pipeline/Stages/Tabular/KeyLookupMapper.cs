using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetBatch.Data;
using MlNetBatch.Data.Columns;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>Looks a block's values up in a vocabulary, a column at a time; the key and one-hot stages write what it finds.</summary>
internal abstract class KeyLookupMapper
{
    /// <summary>Keys of the block's rows: 0 for missing and unknown values, else the term's position plus one.</summary>
    public abstract void Lookup(RecordBatch block, Span<uint> keys);

    /// <summary>A lookup of column <paramref name="input"/> of <paramref name="schema"/> in <paramref name="vocabulary"/>.</summary>
    public static KeyLookupMapper Create(DataViewSchema schema, int input, KeyVocabulary vocabulary)
    {
        var column = schema[input];
        return column.Type switch
        {
            TextDataViewType => new Text(input, vocabulary.CreateLookup<ReadOnlyMemory<char>>(column.Type, column.Name)),
            _ => GenericActivator.Create<KeyLookupMapper>(typeof(Number<>), column.Type.RawType, input, vocabulary, column),
        };
    }

    private sealed class Text(int input, Dictionary<ReadOnlyMemory<char>, uint> lookup) : KeyLookupMapper
    {
        public override void Lookup(RecordBatch block, Span<uint> keys)
        {
            var values = block.Column<TextColumnBuffer>(input).Values;
            for (var r = 0; r < keys.Length; r++)
            {
                keys[r] = lookup.TryGetValue(values[r], out var key) ? key : 0;
            }
        }
    }

    private sealed class Number<T>(int input, KeyVocabulary vocabulary, DataViewSchema.Column column) : KeyLookupMapper
        where T : notnull
    {
        private readonly Dictionary<T, uint> _lookup = vocabulary.CreateLookup<T>(column.Type, column.Name);

        public override void Lookup(RecordBatch block, Span<uint> keys)
        {
            var values = block.Column<ScalarColumnBuffer<T>>(input).Values;
            for (var r = 0; r < keys.Length; r++)
            {
                // NaN is never a term (fitting skips it), so it falls to the missing key like any unknown value.
                keys[r] = _lookup.TryGetValue(values[r], out var key) ? key : 0;
            }
        }
    }
}
