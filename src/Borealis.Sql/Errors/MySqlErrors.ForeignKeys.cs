namespace Borealis.Sql.Errors;

/// <summary>Messages about FOREIGN KEY constraints, in MySQL 8.0's wording.</summary>
public static partial class MySqlErrors
{
    /// <param name="constraint">The constraint as InnoDB prints it: <c>`db`.`child`, CONSTRAINT `fk` FOREIGN KEY (...) REFERENCES ...</c>.</param>
    public static MySqlErrorException RowIsReferenced(string constraint) =>
        new(MySqlErrorCode.RowIsReferenced2, $"Cannot delete or update a parent row: a foreign key constraint fails ({constraint})");

    /// <param name="constraint">The constraint as InnoDB prints it: <c>`db`.`child`, CONSTRAINT `fk` FOREIGN KEY (...) REFERENCES ...</c>.</param>
    public static MySqlErrorException NoReferencedRow(string constraint) =>
        new(MySqlErrorCode.NoReferencedRow2, $"Cannot add or update a child row: a foreign key constraint fails ({constraint})");

    public static MySqlErrorException DropIndexNeededByForeignKey(string index) =>
        new(MySqlErrorCode.DropIndexFk, $"Cannot drop index '{index}': needed in a foreign key constraint");

    public static MySqlErrorException TruncateReferencedTable(string constraint) =>
        new(MySqlErrorCode.TruncateIllegalFk, $"Cannot truncate a table referenced in a foreign key constraint ({constraint})");

    public static MySqlErrorException ForeignKeyMissingParentIndex(string constraint, string parent) =>
        new(MySqlErrorCode.FkNoIndexParent, $"Failed to add the foreign key constraint. Missing index for constraint '{constraint}' in the referenced table '{parent}'");

    public static MySqlErrorException ForeignKeyMissingParentColumn(string column, string constraint, string parent) =>
        new(MySqlErrorCode.FkNoColumnParent, $"Failed to add the foreign key constraint. Missing column '{column}' for constraint '{constraint}' in the referenced table '{parent}'");

    public static MySqlErrorException ForeignKeyParentMissing(string parent) =>
        new(MySqlErrorCode.FkCannotOpenParent, $"Failed to open the referenced table '{parent}'");

    public static MySqlErrorException DuplicateForeignKeyName(string constraint) =>
        new(MySqlErrorCode.FkDupName, $"Duplicate foreign key constraint name '{constraint}'");

    public static MySqlErrorException DropColumnNeededByForeignKey(string column, string constraint) =>
        new(MySqlErrorCode.FkColumnCannotDrop, $"Cannot drop column '{column}': needed in a foreign key constraint '{constraint}'");

    public static MySqlErrorException DropColumnReferencedByForeignKey(string column, string constraint, string table) =>
        new(MySqlErrorCode.FkColumnCannotDropChild, $"Cannot drop column '{column}': needed in a foreign key constraint '{constraint}' of table '{table}'");

    public static MySqlErrorException ForeignKeySetNullOnNotNull(string column, string constraint) =>
        new(MySqlErrorCode.FkColumnNotNull, $"Column '{column}' cannot be NOT NULL: needed in a foreign key constraint '{constraint}' SET NULL");

    public static MySqlErrorException DropReferencedTable(string table, string constraint, string child) =>
        new(MySqlErrorCode.FkCannotDropParent, $"Cannot drop table '{table}' referenced by a foreign key constraint '{constraint}' on table '{child}'.");

    public static MySqlErrorException ForeignKeyIncompatibleColumns(string column, string parentColumn, string constraint) =>
        new(MySqlErrorCode.FkIncompatibleColumns, $"Referencing column '{column}' and referenced column '{parentColumn}' in foreign key constraint '{constraint}' are incompatible.");

    public static MySqlErrorException ForeignKeyColumnCountMismatch(string constraint) =>
        new(MySqlErrorCode.WrongForeignKeyDef, $"Incorrect foreign key definition for '{constraint}': Key reference and table reference don't match");

    public static MySqlErrorException ConstraintNotFound(string name) =>
        new(MySqlErrorCode.ConstraintNotFound, $"Constraint '{name}' does not exist.");
}
