namespace Borealis.Sql.Syntax;

/// <summary>One common table expression: name [(columns)] AS (query).</summary>
internal sealed record CommonTable(string Name, IReadOnlyList<string>? Columns, Query Query);
