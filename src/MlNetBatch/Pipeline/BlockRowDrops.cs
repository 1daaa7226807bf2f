namespace MlNetBatch.Pipeline;

/// <summary>
/// The rows a mapper takes out of the block it just mapped: rows filtered out (counted in the job's summary) and bad
/// rows (quarantined with the column, reason and value). The stage engine removes them after <see cref="IBlockMapper.Map"/>
/// and clears the list; a mapper adds rows in ascending order, each once.
/// </summary>
public sealed class BlockRowDrops
{
    private readonly List<int> _rows = [];
    private readonly List<(int Row, string Column, string Reason, string? Value, string? File)> _bad = [];

    /// <summary>Rows to take out, ascending.</summary>
    public IReadOnlyList<int> Rows => _rows;

    /// <summary>The bad ones among <see cref="Rows"/>, with why.</summary>
    public IReadOnlyList<(int Row, string Column, string Reason, string? Value, string? File)> Bad => _bad;

    /// <summary>Rows filtered out: <see cref="Rows"/> that are not bad.</summary>
    public int Filtered => _rows.Count - _bad.Count;

    /// <summary>Takes <paramref name="row"/> out as filtered.</summary>
    public void Filter(int row) => _rows.Add(row);

    /// <summary>
    /// Takes <paramref name="row"/> out as a bad record: <paramref name="column"/> held <paramref name="value"/>, which
    /// could not be used. <paramref name="file"/> names the row's own file where a partition reads several (images);
    /// by default the partition's file is reported.
    /// </summary>
    public void Reject(int row, string column, string reason, string? value, string? file = null)
    {
        _rows.Add(row);
        _bad.Add((row, column, reason, value, file));
    }

    /// <summary>Empties the list for the next block.</summary>
    public void Clear()
    {
        _rows.Clear();
        _bad.Clear();
    }
}
