namespace Borealis.Sql.Errors;

/// <summary>Messages of the JSON functions, in MySQL 8.0's wording.</summary>
public static partial class MySqlErrors
{
    public static MySqlErrorException InvalidJsonArgument(int argument, string function, string detail) =>
        new(MySqlErrorCode.InvalidJsonTextInParam, $"Invalid JSON text in argument {argument} to function {function}: \"{detail}\".");

    public static MySqlErrorException InvalidJsonPath(string path, string function) =>
        new(MySqlErrorCode.InvalidJsonPath, $"Invalid JSON path expression '{path}' in function {function}.");

    public static MySqlErrorException SubqueryReturnsMoreThanOneRow() =>
        new(MySqlErrorCode.SubqueryNoOneRow, "Subquery returns more than 1 row");
}
