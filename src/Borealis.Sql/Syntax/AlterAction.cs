namespace Borealis.Sql.Syntax;

internal abstract record AlterAction
{
    public sealed record AddColumn(ColumnSpec Column, string? After, bool First) : AlterAction;

    public sealed record DropColumn(string Name) : AlterAction;

    public sealed record AddIndex(IndexSpec Index) : AlterAction;

    public sealed record DropIndex(string Name) : AlterAction;

    /// <summary>MODIFY / CHANGE, with the column's new place (FIRST or AFTER a column) when given.</summary>
    public sealed record ModifyColumn(string OldName, ColumnSpec Column, string? After = null, bool First = false) : AlterAction;

    public sealed record RenameColumn(string OldName, string NewName) : AlterAction;

    public sealed record RenameIndex(string OldName, string NewName) : AlterAction;

    /// <summary>ALTER [COLUMN] c SET DEFAULT value, or DROP DEFAULT (<paramref name="Default"/> null).</summary>
    public sealed record AlterDefault(string Column, Expr? Default) : AlterAction;

    public sealed record RenameTo(TableName Name) : AlterAction;

    public sealed record AddForeignKey(ForeignKeySpec ForeignKey) : AlterAction;

    /// <summary>DROP FOREIGN KEY name, or DROP CONSTRAINT name (<paramref name="AnyConstraint"/>).</summary>
    public sealed record DropForeignKey(string Name, bool AnyConstraint) : AlterAction;

    public sealed record Options(IReadOnlyDictionary<string, string> Values) : AlterAction;
}
