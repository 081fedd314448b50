using System.Diagnostics.CodeAnalysis;

namespace Borealis.Sql.Errors;

/// <summary>
/// An error to report to the client as an ERR packet; the session goes on. The only exception the session loop
/// turns into an ERR. Build instances with <see cref="MySqlErrors"/>, never with literal messages.
/// </summary>
public sealed class MySqlErrorException : Exception
{
    public MySqlErrorException(MySqlErrorCode code, string message)
        : this(code, code.SqlState(), message)
    {
    }

    public MySqlErrorException(MySqlErrorCode code, string sqlState, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        SqlState = sqlState;
    }

    public MySqlErrorCode Code { get; }

    /// <summary>Five characters, e.g. "23000".</summary>
    public string SqlState { get; }

    /// <summary>For an error about one value of one row: the column and the row (1-based), so that a caller can word it anew.</summary>
    public (string Column, long Row)? Value { get; init; }

    [DoesNotReturn]
    public static void Throw(MySqlErrorCode code, string message) => throw new MySqlErrorException(code, message);
}
