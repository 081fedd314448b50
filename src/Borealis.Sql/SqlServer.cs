using System.Collections.Concurrent;
using Borealis.Engine;
using Borealis.Sql.Catalog;
using Borealis.Sql.Errors;
using Borealis.Sql.Execution;

namespace Borealis.Sql;

/// <summary>
/// The SQL layer of one instance: the MySQL dialect over the instance's <see cref="Database"/>. Holds what sessions
/// share — the catalog cache, the translation cache (by statement shape), global variables — and opens sessions.
/// Thread-safe. See docs/sql-layer.md.
/// </summary>
public sealed class SqlServer
{
    readonly Lock _catalogLock = new();
    readonly ConcurrentDictionary<uint, SqlSession> _sessions = new();
    CatalogSnapshot _catalog;

    /// <summary>Creates the SQL layer and, on an empty database, its catalog tables; a writer also adds missing
    /// <see cref="SystemTables"/>.</summary>
    public SqlServer(Database database, SqlServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        Database = database;
        Options = options;
        StartTime = DateTime.UtcNow;
        using var connection = database.OpenConnection();
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                _catalog = PrepareCatalog(database, connection, options);
                break;
            }
            catch (MySqlErrorException) when (database.Shared is not null && attempt < 20)
            {
                // Multi-master: another writer starting at the same moment created the catalog (or a system table)
                // first: its commit won the page conflict, or reached this one between its check and its write. Look again.
                if (connection.InTransaction)
                    SqliteUtil.Exec(connection.Handle, "ROLLBACK");
            }
        }
    }

    /// <summary>
    /// Creates the catalog tables on an empty database (a writer) and any missing system table, then loads the catalog.
    /// On a shared volume, first sees what the other writers committed (their catalog, say) before deciding to create it.
    /// </summary>
    CatalogSnapshot PrepareCatalog(Database database, DatabaseConnection connection, SqlServerOptions options)
    {
#pragma warning disable VSTHRD002 // A constructor cannot await; the catch-up completes as soon as the deliveries arrive.
        database.CatchUpAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
        if (!options.ReadOnly && SqliteUtil.Query(connection.Handle, "SELECT 1 FROM sqlite_master WHERE name = '__bx_meta'").Count == 0)
        {
            WriteDuringStartup(connection, () =>
            {
                foreach (var statement in CatalogStore.BootstrapSql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    SqliteUtil.Exec(connection.Handle, statement);
            });
        }
        var catalog = CatalogStore.Load(connection.Handle, Registry);
        // Volumes created before a system table was added get it on the writer's next start.
        if (!options.ReadOnly && SystemTables.Missing(catalog) is { Count: > 0 } missing)
        {
            WriteDuringStartup(connection, () => SystemTables.Create(connection.Handle, catalog, missing));
            catalog = CatalogStore.Load(connection.Handle, Registry);
        }
        return catalog;
    }

    /// <summary>One write transaction before any session exists: the write lock is uncontended, so the synchronous
    /// waits complete at once (a constructor cannot await).</summary>
    static void WriteDuringStartup(DatabaseConnection connection, Action write)
    {
#pragma warning disable VSTHRD002
        connection.AcquireWriteLockAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        try
        {
            SqliteUtil.Exec(connection.Handle, "BEGIN");
            write();
            SqliteUtil.Exec(connection.Handle, "COMMIT");
        }
        catch
        {
            if (connection.InTransaction)
                SQLitePCL.raw.sqlite3_exec(connection.Handle, "ROLLBACK");
            throw;
        }
        finally
        {
            connection.EndStatement();
        }
        connection.WaitForDurableAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
    }

    public Database Database { get; }

    long _conflictRetries;

    /// <summary>Multi-master: autocommit statements run again because their commit lost a page conflict (never seen by clients).</summary>
    public long ConflictRetries => Interlocked.Read(ref _conflictRetries);

    internal void CountConflictRetry() => Interlocked.Increment(ref _conflictRetries);

    public SqlServerOptions Options { get; }

    internal DateTime StartTime { get; }

    internal ColumnRegistry Registry { get; } = new();

    /// <summary>GET_LOCK's named locks, shared by every session.</summary>
    internal UserLocks UserLocks { get; } = new();

    /// <summary>AUTO_INCREMENT ids given out, so that none is given out twice (<see cref="AutoIncrementIds"/>).</summary>
    internal AutoIncrementIds AutoIncrementIds { get; } = new();

    /// <summary>Translations by statement shape (and default schema).</summary>
    internal ConcurrentDictionary<string, SqlPlan> Plans { get; } = new(StringComparer.Ordinal);

    internal ConcurrentDictionary<string, object?> GlobalVariables { get; } = new(StringComparer.OrdinalIgnoreCase);

    internal IEnumerable<SqlSession> Sessions => _sessions.Values;

    /// <summary>Client sessions open now (logged in; MySQL's <c>Threads_connected</c>).</summary>
    public int SessionCount => _sessions.Count;

    internal long Questions;

    /// <summary>
    /// Statements received from clients since start (MySQL's <c>Questions</c>): each statement of a text query (every
    /// one of a multi-statement query) and each execution of a prepared statement, whether it succeeds or fails.
    /// </summary>
    public long Queries => Interlocked.Read(ref Questions);

    internal CatalogSnapshot Catalog => Volatile.Read(ref _catalog);

    /// <summary>Opens a session with its own engine connection.</summary>
    public ISqlSession OpenSession(SessionInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var session = new SqlSession(this, info);
        _sessions[info.ConnectionId] = session;
        return session;
    }

    internal void Forget(SqlSession session) => _sessions.TryRemove(new KeyValuePair<uint, SqlSession>(session.Info.ConnectionId, session));

    /// <summary>Reloads the catalog when the version stored in the database differs from the cached one.</summary>
    internal CatalogSnapshot EnsureCatalog(SQLitePCL.sqlite3 db, long storedVersion)
    {
        var current = Catalog;
        // A session whose read snapshot predates the newest DDL sees an older version: keep the newer catalog.
        if (current.Version >= storedVersion)
            return current;
        lock (_catalogLock)
        {
            current = _catalog;
            if (current.Version >= storedVersion)
                return current;
            var loaded = CatalogStore.Load(db, Registry);
            if (!Plans.IsEmpty)
                Plans.Clear();
            Volatile.Write(ref _catalog, loaded);
            return loaded;
        }
    }

    /// <summary>Installs the catalog just committed by a DDL statement on <paramref name="db"/>.</summary>
    internal CatalogSnapshot ReloadCatalog(SQLitePCL.sqlite3 db)
    {
        lock (_catalogLock)
        {
            var loaded = CatalogStore.Load(db, Registry);
            Plans.Clear();
            Volatile.Write(ref _catalog, loaded);
            return loaded;
        }
    }
}
