using Borealis.Sql.Results;

namespace Borealis.Sql;

/// <summary>
/// One client session's view of the SQL layer: what the wire protocol calls for each command. Not thread-safe;
/// one command at a time. Errors a client should see are thrown as <see cref="Errors.MySqlErrorException"/> and
/// leave the session usable.
/// </summary>
public interface ISqlSession : IDisposable
{
    /// <summary>The default schema (USE / COM_INIT_DB), or null.</summary>
    string? CurrentDatabase { get; }

    /// <summary>Flags for OK/EOF packets: in transaction, autocommit.</summary>
    ServerStatus Status { get; }

    /// <summary>Warnings raised by the last statement (SHOW WARNINGS lists them).</summary>
    int WarningCount { get; }

    /// <summary>COM_INIT_DB.</summary>
    void UseDatabase(string name);

    /// <summary>
    /// COM_QUERY: runs <paramref name="sql"/>, one statement, or several separated by ';' when
    /// <paramref name="allowMultipleStatements"/> (CLIENT_MULTI_STATEMENTS). Each result goes to
    /// <paramref name="sink"/> before the next statement runs; no reply is handed to the sink before the data it
    /// depends on is durable.
    /// </summary>
    ValueTask ExecuteAsync(string sql, bool allowMultipleStatements, IResultSink sink, CancellationToken cancellationToken);

    /// <summary>COM_STMT_PREPARE.</summary>
    PreparedStatement Prepare(string sql);

    /// <summary>
    /// COM_STMT_EXECUTE. Parameter values are null, <see cref="long"/>, <see cref="ulong"/>, <see cref="double"/>,
    /// <see cref="float"/>, <see cref="decimal"/>, <see cref="Syntax.ExactDecimal"/>, <see cref="string"/>, <see cref="byte"/>[],
    /// <see cref="DateTime"/> or <see cref="TimeSpan"/>.
    /// </summary>
    ValueTask ExecutePreparedAsync(PreparedStatement statement, IReadOnlyList<object?> parameters, IResultSink sink, CancellationToken cancellationToken);

    /// <summary>COM_STMT_CLOSE.</summary>
    void ClosePrepared(PreparedStatement statement);

    /// <summary>COM_RESET_CONNECTION: rolls back, clears session variables, temporary state and prepared statements.</summary>
    void Reset();
}
