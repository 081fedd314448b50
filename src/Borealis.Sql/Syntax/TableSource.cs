namespace Borealis.Sql.Syntax;

/// <summary>What FROM names: tables, derived tables and joins.</summary>
internal abstract record TableSource
{
    public sealed record Table(TableName Name, string? Alias) : TableSource;

    public sealed record Derived(Query Query, string Alias) : TableSource;

    /// <param name="Kind">INNER, LEFT, RIGHT, CROSS, NATURAL (the comma join is CROSS).</param>
    public sealed record Join(TableSource Left, TableSource Right, string Kind, Expr? On, IReadOnlyList<string>? Using) : TableSource;
}
