namespace Borealis.Sql.Syntax;

/// <param name="Kind">PRIMARY, UNIQUE, INDEX (KEY), FULLTEXT.</param>
internal sealed record IndexSpec(string? Name, string Kind, IReadOnlyList<string> Columns);
