using Borealis.Sql.Catalog;

namespace Borealis.Sql.Execution;

/// <summary>Where the value bound to one '?' of a translated statement comes from.</summary>
internal enum ParamKind : byte
{
    /// <summary>The statement's literal number <see cref="ParamSource.Index"/> (statement shapes bind literals).</summary>
    Literal,

    /// <summary>The prepared statement's placeholder number <see cref="ParamSource.Index"/>.</summary>
    Placeholder,

    UserVariable,
    SystemVariable,
    LastInsertId,
    RowCount,
    FoundRows,
    Database,
    ConnectionId,
    User,
    Version,

    /// <summary>The next AUTO_INCREMENT value of a column that is not the rowid.</summary>
    AutoIncrement,
}

/// <param name="Negate">The value is a negated literal (-5 in VALUES).</param>
/// <param name="Target">When set, the value is coerced in C# to this column's stored form before binding (INSERT values).</param>
internal readonly record struct ParamSource(ParamKind Kind, int Index = 0, string? Name = null, ColumnInfo? Target = null, bool Global = false, bool Negate = false);
