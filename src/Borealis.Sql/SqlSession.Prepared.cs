using System.Globalization;
using System.Text;
using Borealis.Sql.Catalog;
using Borealis.Sql.Errors;
using Borealis.Sql.Execution;
using Borealis.Sql.Results;
using Borealis.Sql.Syntax;

namespace Borealis.Sql;

/// <summary>
/// SQL-level prepared statements (PREPARE, EXECUTE … USING @vars, DEALLOCATE PREPARE): named, per session, and run
/// by the same code as the binary protocol's (COM_STMT_PREPARE / COM_STMT_EXECUTE), whose limit they share.
/// </summary>
internal sealed partial class SqlSession
{
    /// <summary>MySQL's default max_prepared_stmt_count, applied to a session's named statements.</summary>
    const int MaxNamedStatements = 16382;

    readonly Dictionary<string, SqlPreparedStatement> _named = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>PREPARE: the text of a string or a user variable. A statement of the same name is dropped first, as in MySQL.</summary>
    void PrepareNamed(Statement.PrepareNamed p, CatalogSnapshot catalog, object?[] literals, IReadOnlyList<object?>? parameters)
    {
        string text = Evaluate(p.Text, catalog, literals, parameters) switch
        {
            null => throw MySqlErrors.Syntax("NULL", 1),
            string s => s,
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? "",
        };
        if (_named.Remove(p.Name, out var old))
            ClosePrepared(old);
        if (_named.Count >= MaxNamedStatements)
            throw MySqlErrors.TooManyPreparedStatements(MaxNamedStatements);
        var prepared = (SqlPreparedStatement)Prepare(text);
        _named[p.Name] = prepared;
    }

    /// <summary>EXECUTE: one user variable per placeholder (1210 otherwise); the statement's result goes to the client.</summary>
    async ValueTask ExecuteNamedAsync(Statement.ExecuteNamed e, CatalogSnapshot catalog, object?[] literals, bool more, IResultSink sink,
        CancellationToken cancellationToken)
    {
        if (!_named.TryGetValue(e.Name, out var prepared))
            throw MySqlErrors.UnknownStatementHandler(e.Name, "EXECUTE");
        if (e.Using.Count != prepared.ParameterCount)
            throw MySqlErrors.IncorrectArguments("EXECUTE");
        var values = new object?[e.Using.Count];
        for (int i = 0; i < values.Length; i++)
            values[i] = Evaluate(e.Using[i], catalog, literals, null);
        // Inside the EXECUTE statement, whose own handling reports any error once (SHOW WARNINGS) and retries it.
        CheckTransactionKept(prepared.Tokens);
        if (_server.Database.Shared is not null)
            await CatchUpWithOtherWritersAsync(prepared.Tokens, cancellationToken);
        await ExecuteStatementCoreAsync(prepared.Sql, prepared.Tokens, values, prepared, more, sink, cancellationToken);
    }

    void DeallocateNamed(Statement.DeallocateNamed d)
    {
        if (!_named.Remove(d.Name, out var prepared))
            throw MySqlErrors.UnknownStatementHandler(d.Name, "DEALLOCATE PREPARE");
        ClosePrepared(prepared);
    }

    /// <summary>PREPARE, EXECUTE and DEALLOCATE cannot themselves be prepared (1295), as in MySQL.</summary>
    static void RefuseNestedPrepare(Statement statement)
    {
        if (statement is Statement.PrepareNamed or Statement.ExecuteNamed or Statement.DeallocateNamed)
            throw MySqlErrors.UnsupportedPs();
    }
}
