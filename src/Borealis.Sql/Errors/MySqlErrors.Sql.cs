namespace Borealis.Sql.Errors;

/// <summary>Messages of the SQL layer (dialect, catalog, value checks).</summary>
public static partial class MySqlErrors
{
    public static MySqlErrorException IncorrectTypedLiteral(string type, string value) =>
        new(MySqlErrorCode.WrongValue, $"Incorrect {type} value: '{value}'");

    public static MySqlErrorException AmbiguousColumn(string column, string where) =>
        new(MySqlErrorCode.NonUniqError, $"Column '{column}' in {where} is ambiguous");

    public static MySqlErrorException InvalidGroupFunction() =>
        new(MySqlErrorCode.InvalidGroupFuncUse, "Invalid use of group function");

    public static MySqlErrorException OperandColumns(int count) =>
        new(MySqlErrorCode.OperandColumns, $"Operand should contain {count} column(s)");

    public static MySqlErrorException WrongNumberOfColumnsInSelect() =>
        new(MySqlErrorCode.WrongNumberOfColumnsInSelect, "The used SELECT statements have a different number of columns");

    public static MySqlErrorException WrongParameterCount(string function) =>
        new(MySqlErrorCode.WrongParamcountToNativeFct, $"Incorrect parameter count in the call to native function '{function}'");

    public static MySqlErrorException FunctionDoesNotExist(string name) =>
        new(MySqlErrorCode.SpDoesNotExist, $"FUNCTION {name} does not exist");

    public static MySqlErrorException ColumnCannotBeNull(string column) =>
        new(MySqlErrorCode.BadNullError, $"Column '{column}' cannot be null");

    public static MySqlErrorException NoDefaultForField(string column) =>
        new(MySqlErrorCode.NoDefaultForField, $"Field '{column}' doesn't have a default value");

    public static MySqlErrorException QueryInterrupted() =>
        new(MySqlErrorCode.QueryInterrupted, "Query execution was interrupted");

    public static MySqlErrorException DatabaseDoesNotExistOnDrop(string name) =>
        new(MySqlErrorCode.DbDropExists, $"Can't drop database '{name}'; database doesn't exist");

    public static MySqlErrorException IncorrectInteger(string value, string column, long row) =>
        new(MySqlErrorCode.TruncatedWrongValueForField, $"Incorrect integer value: '{value}' for column '{column}' at row {row}");

    public static MySqlErrorException IncorrectDecimal(string value, string column, long row) =>
        new(MySqlErrorCode.TruncatedWrongValueForField, $"Incorrect decimal value: '{value}' for column '{column}' at row {row}");

    public static MySqlErrorException IncorrectDouble(string value, string column, long row) =>
        new(MySqlErrorCode.TruncatedWrongValueForField, $"Incorrect double value: '{value}' for column '{column}' at row {row}");

    /// <summary>1138: ALTER TABLE made a column NOT NULL that holds a NULL (MySQL 8.0; MariaDB says 1265).</summary>
    public static MySqlErrorException InvalidUseOfNull() =>
        new(MySqlErrorCode.InvalidUseOfNull, "Invalid use of NULL value");

    public static MySqlErrorException DataTruncated(string column, long row) =>
        new(MySqlErrorCode.WarnDataTruncated, $"Data truncated for column '{column}' at row {row}");

    public static MySqlErrorException InvalidJson(string detail, string column) =>
        new(MySqlErrorCode.InvalidJsonText, $"Invalid JSON text: \"{detail}\" in value for column '{column}'.");

    public static MySqlErrorException DuplicateColumn(string column) =>
        new(MySqlErrorCode.DupFieldName, $"Duplicate column name '{column}'");

    public static MySqlErrorException DuplicateKeyName(string key) =>
        new(MySqlErrorCode.DupKeyName, $"Duplicate key name '{key}'");

    public static MySqlErrorException MultiplePrimaryKey() =>
        new(MySqlErrorCode.MultiplePriKey, "Multiple primary key defined");

    public static MySqlErrorException KeyColumnDoesNotExist(string column) =>
        new(MySqlErrorCode.KeyColumnDoesNotExist, $"Key column '{column}' doesn't exist in table");

    public static MySqlErrorException CantDropFieldOrKey(string name) =>
        new(MySqlErrorCode.CantDropFieldOrKey, $"Can't DROP '{name}'; check that column/key exists");

    public static MySqlErrorException WrongAutoKey() =>
        new(MySqlErrorCode.WrongAutoKey, "Incorrect table definition; there can be only one auto column and it must be defined as a key");

    public static MySqlErrorException InvalidDefault(string column) =>
        new(MySqlErrorCode.InvalidDefault, $"Invalid default value for '{column}'");

    public static MySqlErrorException TableMustHaveColumns() =>
        new(MySqlErrorCode.TableMustHaveColumns, "A table must have at least 1 column");

    public static MySqlErrorException WrongValueCountOnRow(long row) =>
        new(MySqlErrorCode.WrongValueCountOnRow, $"Column count doesn't match value count at row {row}");

    public static MySqlErrorException UnknownSystemVariable(string name) =>
        new(MySqlErrorCode.UnknownSystemVariable, $"Unknown system variable '{name}'");

    public static MySqlErrorException WrongValueForVariable(string name, string value) =>
        new(MySqlErrorCode.WrongValueForVar, $"Variable '{name}' can't be set to the value of '{value}'");

    public static MySqlErrorException TooBigPrecision(int precision, string column) =>
        new(MySqlErrorCode.TooBigPrecision, $"Too-big precision {precision} specified for '{column}'. Maximum is 65.");

    public static MySqlErrorException TooBigScale(int scale, string column) =>
        new(MySqlErrorCode.TooBigScale, $"Too big scale {scale} specified for column '{column}'. Maximum is 30.");

    public static MySqlErrorException ScaleBiggerThanPrecision(string column) =>
        new(MySqlErrorCode.MBiggerThanD, $"For float(M,D), double(M,D) or decimal(M,D), M must be >= D (column '{column}').");

    public static MySqlErrorException ColumnLengthTooBig(string column, long max) =>
        new(MySqlErrorCode.TooBigFieldlength, $"Column length too big for column '{column}' (max = {max}); use BLOB or TEXT instead");

    public static MySqlErrorException SavepointDoesNotExist(string name) =>
        new(MySqlErrorCode.SpDoesNotExist, $"SAVEPOINT {name} does not exist");

    public static MySqlErrorException NonUniqueTable(string alias) =>
        new(MySqlErrorCode.NonUniqTable, $"Not unique table/alias: '{alias}'");

    /// <summary>1055 under ONLY_FULL_GROUP_BY: a select-list column the GROUP BY does not determine (MySQL 8.0's wording).</summary>
    public static MySqlErrorException NotInGroupBy(int expression, string column) =>
        new(MySqlErrorCode.WrongFieldWithGroup, $"Expression #{expression} of SELECT list is not in GROUP BY clause and contains nonaggregated column '{column}' "
            + "which is not functionally dependent on columns in GROUP BY clause; this is incompatible with sql_mode=only_full_group_by");

    /// <summary>1140 under ONLY_FULL_GROUP_BY: an aggregate query without GROUP BY selects a plain column.</summary>
    public static MySqlErrorException MixOfGroupFuncAndFields(int expression, string column) =>
        new(MySqlErrorCode.MixOfGroupFuncAndFields, $"In aggregated query without GROUP BY, expression #{expression} of SELECT list contains nonaggregated column '{column}'; "
            + "this is incompatible with sql_mode=only_full_group_by");

    public static MySqlErrorException UnknownTableInList(string table, string where) =>
        new(MySqlErrorCode.UnknownTable, $"Unknown table '{table}' in {where}");

    public static MySqlErrorException IncorrectDatabaseName(string name) =>
        new(MySqlErrorCode.WrongNameForCatalog, $"Incorrect database name '{name}'");

    public static MySqlErrorException AccessDeniedToSchema(string user, string host, string schema) =>
        new(MySqlErrorCode.DbAccessDenied, $"Access denied for user '{user}'@'{host}' to database '{schema}'");

    public static MySqlErrorException NoTablesUsed() =>
        new(MySqlErrorCode.NoTablesUsed, "No tables used");

    public static MySqlErrorException ColumnSpecifiedTwice(string column) =>
        new(MySqlErrorCode.FieldSpecifiedTwice, $"Column '{column}' specified twice");

    public static MySqlErrorException AccessDeniedToDatabase(string user, string host, string schema) =>
        new(MySqlErrorCode.DbAccessDenied, $"Access denied for user '{user}'@'{host}' to database '{schema}'");

    public static MySqlErrorException CheckConstraintViolated(string name) =>
        new(MySqlErrorCode.CheckConstraintViolated, $"Check constraint '{name}' is violated.");

    public static MySqlErrorException NotUpdatable(string table, string statement) =>
        new(MySqlErrorCode.NonUpdatableTable, $"The target table {table} of the {statement} is not updatable");

    public static MySqlErrorException GeneratedColumnValue(string column, string table) =>
        new(MySqlErrorCode.GeneratedColumnValueNotAllowed, $"The value specified for generated column '{column}' in table '{table}' is not allowed.");

    /// <summary>1906, a warning (MariaDB's): without strict mode an INSERT's value for a generated column is dropped.</summary>
    public static MySqlErrorException GeneratedColumnValueIgnored(string column, string table) =>
        new(MySqlErrorCode.GeneratedColumnValueIgnored, $"The value specified for generated column '{column}' in table '{table}' has been ignored");

    /// <summary>3106: MODIFY between VIRTUAL and STORED, or between a VIRTUAL column and a plain one (MySQL 8.0's rule).</summary>
    public static MySqlErrorException GeneratedStoredStatusChange() =>
        new(MySqlErrorCode.UnsupportedActionOnGeneratedColumn, "'Changing the STORED status' is not supported for generated columns.");

    /// <summary>3108: DROP or rename of a column a generated column reads (MySQL 8.0's code; MariaDB renames along).</summary>
    public static MySqlErrorException DependentByGeneratedColumn(string column) =>
        new(MySqlErrorCode.DependentByGeneratedColumn, $"Column '{column}' has a generated column dependency.");

    public static MySqlErrorException GeneratedColumnDisallowed(string column) =>
        new(MySqlErrorCode.GeneratedColumnFunctionNotAllowed, $"Expression of generated column '{column}' contains a disallowed function.");

    public static MySqlErrorException NotInsertable(string table) =>
        new(MySqlErrorCode.NonInsertableTable, $"The target table {table} of the INSERT is not insertable-into");

    public static MySqlErrorException ViewCheckFailed(string view) =>
        new(MySqlErrorCode.ViewCheckFailed, $"CHECK OPTION failed '{view}'");

    public static MySqlErrorException NonUpdatableColumn(string column) =>
        new(MySqlErrorCode.NonUpdatableColumn, $"Column '{column}' is not updatable");

    public static MySqlErrorException WrongUsage(string first, string second) =>
        new(MySqlErrorCode.WrongUsage, $"Incorrect usage of {first} and {second}");

    public static MySqlErrorException CheckDisallowedFunction(string name) =>
        new(MySqlErrorCode.UnknownError, $"An expression of check constraint '{name}' contains disallowed function.");

    public static MySqlErrorException ViewSelectVariable() =>
        new(MySqlErrorCode.ViewSelectVariable, "View's SELECT contains a variable or parameter");

    public static MySqlErrorException ReadOnlyTransaction() =>
        new(MySqlErrorCode.ReadOnlyTransactionStatement, "Cannot execute statement in a READ ONLY transaction.");

    public static MySqlErrorException DerivedMustHaveAlias() =>
        new(MySqlErrorCode.DerivedMustHaveAlias, "Every derived table must have its own alias");

    public static MySqlErrorException ReadOnlyVariable(string name) =>
        new(MySqlErrorCode.IncorrectGlobalLocalVar, $"Variable '{name}' is a read only variable");

    public static MySqlErrorException UnknownCharacterSet(string name) =>
        new(MySqlErrorCode.UnknownCharacterSet, $"Unknown character set: '{name}'");

    public static MySqlErrorException WrongObject(string schema, string name, string expected) =>
        new(MySqlErrorCode.WrongObject, $"'{schema}.{name}' is not {expected}");

    public static MySqlErrorException IncorrectTableName(string name) =>
        new(MySqlErrorCode.WrongNameForCatalog, $"Incorrect table name '{name}'");

    public static MySqlErrorException DuplicateCheckConstraint(string name) =>
        new(MySqlErrorCode.UnknownError, $"Duplicate check constraint name '{name}'.");

    public static MySqlErrorException TooBigFractionalPrecision(int precision, string column) =>
        new(MySqlErrorCode.TooBigPrecision, $"Too-big precision {precision} specified for '{column}'. Maximum is 6.");

    public static MySqlErrorException WrongColumnSpecifier(string column) =>
        new(MySqlErrorCode.WrongFieldSpec, $"Incorrect column specifier for column '{column}'");

    public static MySqlErrorException KeyDoesNotExist(string key, string table) =>
        new(MySqlErrorCode.KeyDoesNotExist, $"Key '{key}' doesn't exist in table '{table}'");

    public static MySqlErrorException IncorrectIndexName(string name) =>
        new(MySqlErrorCode.WrongNameForIndex, $"Incorrect index name '{name}'");

    public static MySqlErrorException CantDropAllColumns() =>
        new(MySqlErrorCode.CantDropFieldOrKey, "You can't delete all columns with ALTER TABLE; use DROP TABLE instead");

    public static MySqlErrorException RecursionLimit(long rows) =>
        new(MySqlErrorCode.CteMaxRecursionDepth, $"Recursive query aborted after {rows} rows. Try a query that terminates sooner.");
}
