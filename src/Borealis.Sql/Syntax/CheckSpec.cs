namespace Borealis.Sql.Syntax;

/// <summary>A CHECK constraint: its name (or null), expression, text as written, and whether it is enforced.</summary>
internal sealed record CheckSpec(string? Name, Expr Value, string Text, bool Enforced);
