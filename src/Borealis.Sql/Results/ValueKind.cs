namespace Borealis.Sql.Results;

/// <summary>How a value is stored (SQLite's fundamental types); the column's MySQL type says how to present it.</summary>
public enum ValueKind : byte
{
    Null = 0,
    Integer = 1,
    Real = 2,
    Text = 3,
    Blob = 4,
}
