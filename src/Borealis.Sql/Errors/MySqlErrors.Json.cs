namespace Borealis.Sql.Errors;

/// <summary>Messages of the JSON functions, in MySQL 8.0's wording.</summary>
public static partial class MySqlErrors
{
    public static MySqlErrorException InvalidJsonArgument(int argument, string function, string detail) =>
        new(MySqlErrorCode.InvalidJsonTextInParam, $"Invalid JSON text in argument {argument} to function {function}: \"{detail}\".");

    public static MySqlErrorException InvalidJsonPath(string path, string function) =>
        new(MySqlErrorCode.InvalidJsonPath, $"Invalid JSON path expression '{path}' in function {function}.");

    public static MySqlErrorException JsonPathWildcard() =>
        new(MySqlErrorCode.InvalidJsonPathWildcard, "In this situation, path expressions may not contain the * and ** tokens or an array range.");

    public static MySqlErrorException JsonPathNotArrayCell() =>
        new(MySqlErrorCode.InvalidJsonPathArrayCell, "A path expression is not a path to a cell in an array.");

    public static MySqlErrorException JsonOneOrAll(string function) =>
        new(MySqlErrorCode.JsonBadOneOrAllArg, $"The oneOrAll argument to {function} may take these values: 'one' or 'all'.");

    public static MySqlErrorException SubqueryReturnsMoreThanOneRow() =>
        new(MySqlErrorCode.SubqueryNoOneRow, "Subquery returns more than 1 row");
}
