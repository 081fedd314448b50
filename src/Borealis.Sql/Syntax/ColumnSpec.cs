namespace Borealis.Sql.Syntax;

/// <summary>A column definition in CREATE TABLE / ALTER TABLE ADD COLUMN.</summary>
internal sealed record ColumnSpec(string Name, DataType Type)
{
    public bool NotNull { get; init; }

    public bool ExplicitNull { get; init; }

    public Expr? Default { get; init; }

    public bool AutoIncrement { get; init; }

    public bool PrimaryKey { get; init; }

    public bool Unique { get; init; }

    public string? Comment { get; init; }

    public bool OnUpdateNow { get; init; }

    /// <summary>[GENERATED ALWAYS] AS (expr): the expression, null for a stored value.</summary>
    public Expr? Generated { get; init; }

    /// <summary>The generation expression as written.</summary>
    public string? GeneratedText { get; init; }

    /// <summary>STORED (else VIRTUAL, MySQL's default).</summary>
    public bool GeneratedStored { get; init; }
}
