namespace Borealis.Sql.Syntax;

/// <param name="Text">The item's text as written, which MySQL uses as the column name when there is no alias.</param>
internal sealed record SelectItem(Expr Value, string? Alias, string Text);
