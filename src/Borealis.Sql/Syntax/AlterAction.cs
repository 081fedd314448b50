namespace Borealis.Sql.Syntax;

internal abstract record AlterAction
{
    public sealed record AddColumn(ColumnSpec Column, string? After, bool First) : AlterAction;

    public sealed record DropColumn(string Name) : AlterAction;

    public sealed record AddIndex(IndexSpec Index) : AlterAction;

    public sealed record DropIndex(string Name) : AlterAction;

    public sealed record ModifyColumn(string OldName, ColumnSpec Column) : AlterAction;

    public sealed record RenameTo(TableName Name) : AlterAction;

    public sealed record AddForeignKey(ForeignKeySpec ForeignKey) : AlterAction;

    /// <summary>DROP FOREIGN KEY name, or DROP CONSTRAINT name (<paramref name="AnyConstraint"/>).</summary>
    public sealed record DropForeignKey(string Name, bool AnyConstraint) : AlterAction;

    public sealed record Options(IReadOnlyDictionary<string, string> Values) : AlterAction;
}
