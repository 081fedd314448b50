namespace Borealis.Sql.Syntax;

internal sealed record Assignment(Expr.Column Target, Expr Value);
