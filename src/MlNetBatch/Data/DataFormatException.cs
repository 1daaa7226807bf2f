namespace MlNetBatch.Data;

/// <summary>Input data does not match what the source expects; the message names the file, column and row.</summary>
public sealed class DataFormatException : MlNetBatchException
{
    /// <summary>Creates the exception.</summary>
    public DataFormatException(string file, string message, string? column = null, long? row = null, Exception? innerException = null)
        : base(Describe(file, message, column, row), innerException)
    {
        File = file;
        Column = column;
        Row = row;
    }

    /// <summary>The file that holds the bad data.</summary>
    public string File { get; }

    /// <summary>The column concerned, when one is.</summary>
    public string? Column { get; }

    /// <summary>The row (from zero, within the file or partition) when known.</summary>
    public long? Row { get; }

    private static string Describe(string file, string message, string? column, long? row)
    {
        var where = file;
        if (column is not null)
        {
            where += $", column '{column}'";
        }

        if (row is not null)
        {
            where += $", row {row}";
        }

        return $"{where}: {message}";
    }
}
