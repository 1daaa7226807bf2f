using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetBatch.Pipeline.Stages.Tabular;

/// <summary>
/// The terms of a key mapping, in key order: term <c>i</c> maps to key <c>i + 1</c>, and key 0 is ML.NET's missing
/// key, which missing values (empty text, NaN) and values outside the vocabulary map to. Numbers are held as their
/// invariant round-trip text, so a vocabulary prints, hashes and configures the same way for every column type.
/// </summary>
public sealed class KeyVocabulary
{
    /// <summary>ML.NET's default bound on the keys a fitted vocabulary holds.</summary>
    public const int DefaultMaximumKeys = 1_000_000;

    /// <summary>Creates a vocabulary of <paramref name="terms"/>, in key order.</summary>
    public KeyVocabulary(IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        Terms = [.. terms];
    }

    /// <summary>The terms, in key order.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>
    /// The vocabulary ML.NET's <c>MapValueToKey</c> learns from <paramref name="column"/> of <paramref name="sample"/>
    /// with its defaults: terms in order of first occurrence, missing values left out, at most <paramref name="maximumKeys"/>.
    /// </summary>
    public static KeyVocabulary Fit(IDataView sample, string column, int maximumKeys)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var type = sample.Schema[column].Type;
        return type switch
        {
            TextDataViewType => Fit<ReadOnlyMemory<char>>(sample, column, maximumKeys, TextKeyComparer.Instance, v => v.IsEmpty, v => v.ToString()),
            _ when type == NumberDataViewType.Single => Fit<float>(sample, column, maximumKeys, null, float.IsNaN, v => v.ToString("R", CultureInfo.InvariantCulture)),
            _ when type == NumberDataViewType.Double => Fit<double>(sample, column, maximumKeys, null, double.IsNaN, v => v.ToString("R", CultureInfo.InvariantCulture)),
            _ when type == NumberDataViewType.Int32 => Fit<int>(sample, column, maximumKeys, null, _ => false, v => v.ToString(CultureInfo.InvariantCulture)),
            _ when type == NumberDataViewType.Int64 => Fit<long>(sample, column, maximumKeys, null, _ => false, v => v.ToString(CultureInfo.InvariantCulture)),
            _ => throw new BlockTransformException($"column '{column}' holds {type}; a key mapping reads text, float, double, int or long."),
        };
    }

    /// <summary>
    /// A lookup from values of <paramref name="type"/> to keys; a term that does not parse as that type is an error
    /// naming it (a vocabulary given in configuration for a numeric column).
    /// </summary>
    internal Dictionary<T, uint> CreateLookup<T>(DataViewType type, string column)
        where T : notnull
    {
        var lookup = typeof(T) == typeof(ReadOnlyMemory<char>)
            ? new Dictionary<T, uint>((IEqualityComparer<T>)(object)TextKeyComparer.Instance)
            : new Dictionary<T, uint>();
        for (var i = 0; i < Terms.Count; i++)
        {
            var value = Parse<T>(Terms[i], type, column);
            lookup.TryAdd(value, (uint)(i + 1));
        }

        return lookup;
    }

    /// <summary>
    /// The vocabulary as one line for the settings hash and plans: terms joined by U+001F, a backslash or U+001F inside
    /// a term escaped, so that no two vocabularies give the same line (unescaped, <c>["a\u001fb"]</c> and
    /// <c>["a", "b"]</c> would, and a changed vocabulary could resume output scored with the old keys).
    /// </summary>
    public override string ToString() =>
        string.Join("\u001f", Terms.Select(t => t.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\u001f", "\\u001f", StringComparison.Ordinal)));

    private static T Parse<T>(string term, DataViewType type, string column)
    {
        object value;
        try
        {
            value = typeof(T) == typeof(ReadOnlyMemory<char>)
                ? term.AsMemory()
                : Convert.ChangeType(term, typeof(T), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new BlockTransformException($"vocabulary term '{term}' is not a {type} value, as column '{column}' holds.");
        }

        return (T)value;
    }

    private static KeyVocabulary Fit<T>(IDataView sample, string column, int maximumKeys, IEqualityComparer<T>? comparer, Func<T, bool> isMissing, Func<T, string> text)
        where T : notnull
    {
        var seen = new HashSet<T>(comparer);
        var terms = new List<string>();
        var schemaColumn = sample.Schema[column];
        using var cursor = sample.GetRowCursor([schemaColumn]);
        var getter = cursor.GetGetter<T>(schemaColumn);
        T value = default!;
        while (terms.Count < maximumKeys && cursor.MoveNext())
        {
            getter(ref value);
            if (isMissing(value))
            {
                continue;
            }

            // Text read by a cursor may point into a reused buffer: keep the term as a string of its own.
            if (typeof(T) == typeof(ReadOnlyMemory<char>))
            {
                if (!seen.Contains(value))
                {
                    var term = text(value);
                    seen.Add((T)(object)term.AsMemory());
                    terms.Add(term);
                }
            }
            else if (seen.Add(value))
            {
                terms.Add(text(value));
            }
        }

        return new KeyVocabulary(terms);
    }
}
