using System.Text;
using System.Text.Json;
using Borealis.Sql.Errors;
using Borealis.Sql.Execution;
using Borealis.Sql.Parsing;
using Borealis.Sql.Results;
using Borealis.Sql.Syntax;
using SQLitePCL;

namespace Borealis.Sql;

/// <summary>Aurora's SQL surface: read-only replicas, information_schema.replica_host_status, ALTER SYSTEM CRASH.</summary>
internal sealed partial class SqlSession
{
    /// <summary>
    /// True for a DDL statement that writes the database, refused with 1290 on a read-only instance before it reaches
    /// the engine. DROP TABLE is decided later (DdlAsync), and INSERT/UPDATE/DELETE once translated (DispatchAsync):
    /// they may touch only the session's temporary tables, which a read-only instance allows, as MySQL does.
    /// </summary>
    static bool WritesDatabase(Statement statement) => statement switch
    {
        Statement.CreateDatabase or Statement.DropDatabase or Statement.CreateView or Statement.CreateIndex or Statement.DropIndex
            or Statement.AlterTable or Statement.RenameTable or Statement.Truncate => true,
        Statement.CreateTable c => !c.Temporary,
        Statement.DropTable d => d.Views,
        Statement.NoOp n => n.What.StartsWith("ALTER DATABASE", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>
    /// True when the first words of a statement the parser does not support (1235) say it would write: on a read-only
    /// instance such a statement fails with 1290, as on MySQL, rather than with 1235 (LOAD DATA, GRANT, CREATE USER ...).
    /// </summary>
    static bool WouldWrite(List<Token> tokens)
    {
        if (tokens.Count == 0)
            return false;
        var first = tokens[0];
        var second = tokens.Count > 1 ? tokens[1] : default;
        if (first.Is("INSERT") || first.Is("REPLACE") || first.Is("UPDATE") || first.Is("DELETE") || first.Is("LOAD") || first.Is("TRUNCATE")
            || first.Is("RENAME") || first.Is("GRANT") || first.Is("REVOKE") || first.Is("IMPORT"))
            return true;
        if (first.Is("CREATE") || first.Is("DROP"))
            return !second.Is("TEMPORARY");
        if (first.Is("ALTER"))
            return !second.Is("SYSTEM");
        return false;
    }

    /// <summary>The rows of information_schema.replica_host_status as a JSON array of arrays (read by the temp view).</summary>
    string ReplicaHostsJson()
    {
        var rows = _server.Options.ReplicaStatus?.Invoke() ?? [DefaultReplicaHostStatus()];
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStartArray();
                json.WriteStringValue(row.ServerId);
                json.WriteStringValue(row.SessionId);
                json.WriteNumberValue(row.IsCurrent ? 1 : 0);
                json.WriteNumberValue(row.Cpu);
                // NOW() is local time: so is the timestamp, so that timediff(now(), LAST_UPDATE_TIMESTAMP) is the age.
                var local = row.LastUpdateTimestamp.Kind == DateTimeKind.Local ? row.LastUpdateTimestamp : row.LastUpdateTimestamp.ToLocalTime();
                json.WriteStringValue(ValueCoercion.FormatDateTime(local, 6));
                json.WriteNumberValue(row.ReplicaLagInMilliseconds);
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Without a provider: this instance alone, as the writer (or, on a read-only instance, as a reader).</summary>
    ReplicaHostStatus DefaultReplicaHostStatus()
    {
        string id = _server.Options.ServerId;
        string session = _server.Options.ReadOnly
            ? new Guid(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(id)).AsSpan(0, 16)).ToString()
            : ReplicaHostStatus.MasterSessionId;
        return new ReplicaHostStatus(id, session, IsCurrent: true, Cpu: 0, DateTime.UtcNow, ReplicaLagInMilliseconds: 0);
    }

    /// <summary>Registers <c>__bx_replica_hosts()</c>, the source of information_schema.replica_host_status.</summary>
    void RegisterAuroraFunctions()
    {
        raw.sqlite3_create_function(_db, "__bx_replica_hosts", 0, 0, _state, (ctx, userData, args) =>
        {
            try
            {
                raw.sqlite3_result_text(ctx, ReplicaHostsJson());
            }
#pragma warning disable CA1031 // A callback must never throw into SQLite: the failure becomes the statement's error.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                ((FunctionState)userData).PendingError = MySqlErrors.Internal("replica_host_status: " + ex.Message);
                raw.sqlite3_result_error(ctx, ex.Message);
            }
        });
    }

    /// <summary>
    /// ALTER SYSTEM CRASH: hands the target to <see cref="SqlServerOptions.Crash"/>, which normally ends the process
    /// (the client sees a lost connection); if it returns, the statement succeeds.
    /// </summary>
    async ValueTask AlterSystemCrashAsync(Statement.AlterSystemCrash crash, bool more, IResultSink sink, CancellationToken cancellationToken)
    {
        var handler = _server.Options.Crash ?? throw MySqlErrors.NotSupportedYet("ALTER SYSTEM CRASH");
        _connection.EndStatement();
        handler(crash.Target);
        await WriteOkAsync(new OkResult(), more, sink, cancellationToken);
    }
}
