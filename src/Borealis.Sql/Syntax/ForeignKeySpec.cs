namespace Borealis.Sql.Syntax;

/// <summary>
/// A FOREIGN KEY clause: <c>[CONSTRAINT name] FOREIGN KEY [index_name] (cols) REFERENCES parent (cols) [ON DELETE r] [ON UPDATE r]</c>.
/// </summary>
/// <param name="Name">The CONSTRAINT symbol, or null (named <c>table_ibfk_N</c>).</param>
/// <param name="IndexName">The index name after FOREIGN KEY, or null (names the child index only, as in MySQL 8.0.16+).</param>
/// <param name="OnDelete">RESTRICT, CASCADE, SET NULL, NO ACTION, SET DEFAULT, or null when not given.</param>
internal sealed record ForeignKeySpec(string? Name, string? IndexName, IReadOnlyList<string> Columns, TableName Parent,
    IReadOnlyList<string> ParentColumns, string? OnDelete, string? OnUpdate);
