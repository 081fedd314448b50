namespace Borealis.Sql.Syntax;

internal sealed record TableName(string? Schema, string Name)
{
    public override string ToString() => Schema is null ? Name : Schema + "." + Name;
}
