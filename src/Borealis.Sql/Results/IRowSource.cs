namespace Borealis.Sql.Results;

/// <summary>
/// The rows of one result set, read forward once. Spans returned are valid until the next <see cref="Read"/>.
/// Values are stored as the SQL layer keeps them (see docs/architecture.md, "Values"); to present one to a client
/// use <see cref="MySqlValueFormatter"/> with the column's <see cref="ColumnDefinition"/>.
/// </summary>
public interface IRowSource
{
    /// <summary>Moves to the next row; false after the last.</summary>
    /// <exception cref="Errors.MySqlErrorException">Evaluating the row failed (e.g. a runtime conversion error).</exception>
    bool Read();

    ValueKind GetKind(int ordinal);

    long GetInt64(int ordinal);

    double GetDouble(int ordinal);

    /// <summary>Text as UTF-8, or the bytes of a blob.</summary>
    ReadOnlySpan<byte> GetBytes(int ordinal);
}
