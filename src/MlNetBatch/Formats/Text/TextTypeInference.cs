using Microsoft.ML.Data;

namespace MlNetBatch.Formats.Text;

/// <summary>
/// Infers a column's type from sample values: all integers become <c>long</c>, other numbers <c>float</c>,
/// true/false <c>bool</c>, anything else <c>string</c>. An explicit schema overrides the guess.
/// </summary>
internal sealed class TextTypeInference
{
    private bool _seen;
    private bool _allIntegers = true;
    private bool _allNumbers = true;
    private bool _allBooleans = true;

    public void Observe(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            // Missing values say nothing about the type, but only floats can hold them.
            _allIntegers = false;
            _allBooleans = false;
            return;
        }

        _seen = true;
        _allIntegers &= System.Buffers.Text.Utf8Parser.TryParse(value, out long _, out var consumed) && consumed == value.Length;
        _allNumbers &= Utf8ValueParser.TryParseFloat(value, out _);
        _allBooleans &= value.Length > 1 && Utf8ValueParser.TryParseBool(value, out _);
    }

    public DataViewType Result =>
        !_seen ? NumberDataViewType.Single
        : _allBooleans ? BooleanDataViewType.Instance
        : _allIntegers ? NumberDataViewType.Int64
        : _allNumbers ? NumberDataViewType.Single
        : TextDataViewType.Instance;
}
