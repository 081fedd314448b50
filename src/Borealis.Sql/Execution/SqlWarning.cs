using Borealis.Sql.Errors;

namespace Borealis.Sql.Execution;

/// <summary>One row of SHOW WARNINGS.</summary>
internal sealed record SqlWarning(string Level, int Code, string Message)
{
    /// <summary>An error reported as a row of SHOW WARNINGS instead of failing the statement (or after it failed: level Error).</summary>
    public static SqlWarning Of(MySqlErrorException error, string level = "Warning") => new(level, (int)error.Code, error.Message);
}
