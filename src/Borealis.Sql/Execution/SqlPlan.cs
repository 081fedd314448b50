using Borealis.Sql.Catalog;

namespace Borealis.Sql.Execution;

/// <summary>What a data statement was translated to; cached by statement shape and reused while the catalog is unchanged.</summary>
internal sealed record SqlPlan
{
    public required PlanKind Kind { get; init; }

    public required long CatalogVersion { get; init; }

    /// <summary>SQLite text (SELECT, UPDATE, DELETE, INSERT ... SELECT).</summary>
    public string Sql { get; init; } = "";

    public List<ParamSource> Params { get; init; } = [];

    /// <summary>Literals written into the SQL text (select-list items, ORDER BY positions): the plan only fits statements with these values.</summary>
    public List<(int Index, object? Value)> Inlined { get; init; } = [];

    /// <summary>Types of computed result columns, by result column name.</summary>
    public Dictionary<string, ColumnHint> Hints { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public bool ForUpdate { get; init; }

    public bool CalcFoundRows { get; init; }

    /// <summary>SQL_CALC_FOUND_ROWS: counts the rows without LIMIT, for FOUND_ROWS().</summary>
    public string? CountSql { get; init; }

    public List<ParamSource>? CountParams { get; init; }

    /// <summary>The table written by INSERT/REPLACE/UPDATE/DELETE.</summary>
    public TableInfo? Table { get; init; }

    public List<InsertRow> Rows { get; init; } = [];

    public InsertMode Mode { get; init; }

    /// <summary>What the translator knows of a SELECT's result columns, by position (null: nothing).</summary>
    public IReadOnlyList<ResultPosition>? Positions { get; init; }

    /// <summary>
    /// Set for a UNION (INTERSECT, EXCEPT): its columns belong to no table, and one is NOT NULL only where this says
    /// so (every member's column is).
    /// </summary>
    public IReadOnlyList<bool>? CompoundNotNull { get; init; }

    /// <summary>Result columns, once known without looking at data.</summary>
    public IReadOnlyList<Results.ColumnDefinition>? Columns { get; set; }

    /// <summary>The default schema the statement was translated under.</summary>
    public string? Database { get; init; }

    /// <summary>INSERT without strict mode: generated columns whose given values are ignored (a warning each run).</summary>
    public IReadOnlyList<string>? IgnoredGenerated { get; init; }

    /// <summary>UPDATE: report "Rows matched / Changed" (uses the __bx_set tracker).</summary>
    public bool TracksChanges { get; init; }

    /// <summary>UPDATE: the parameter index of each column assigned a literal or placeholder (for 1062 messages).</summary>
    public Dictionary<string, int> AssignedParams { get; init; } = [];
}

internal enum PlanKind : byte
{
    Select,
    Insert,
    Update,
    Delete,
}

internal enum InsertMode : byte
{
    Insert,
    Ignore,
    Replace,
    Upsert,
}

/// <summary>One VALUES row of an INSERT: its SQLite statement and the sources of its parameters.</summary>
/// <param name="ReplaceSql">For REPLACE: the statement run when the plain INSERT hits a duplicate key.</param>
/// <param name="AutoIncrementParam">Index in <paramref name="Params"/> of the AUTO_INCREMENT column's value, or -1.</param>
/// <param name="LiteralShift">
/// Added to the index of every literal parameter: rows of one shape (a bulk load) share the first row's
/// <paramref name="Params"/>, each with its own literals.
/// </param>
internal readonly record struct InsertRow(string Sql, List<ParamSource> Params, string? ReplaceSql, int AutoIncrementParam, bool AutoIncrementOmitted, int LiteralShift = 0);
