namespace Borealis.Sql.Syntax;

internal sealed record OrderItem(Expr Value, bool Descending);
