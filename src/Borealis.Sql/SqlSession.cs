using Borealis.Engine;
using Borealis.Sql.Catalog;
using Borealis.Sql.Errors;
using Borealis.Sql.Execution;
using Borealis.Sql.Parsing;
using Borealis.Sql.Results;
using Borealis.Sql.Syntax;
using Borealis.Volume.MultiWriter;
using SQLitePCL;

namespace Borealis.Sql;

/// <summary>
/// One client session: parses, translates (through the shape cache) and runs statements on the session's own
/// engine connection, following the engine's rules (write lock before writes, EndStatement after every
/// statement, durable before any reply). Split by concern: .Dml, .Ddl, .Show, .Variables.
/// </summary>
internal sealed partial class SqlSession : ISqlSession
{
    const int MaxCachedStatements = 256;

    /// <summary>
    /// Statements of more tokens than this are not looked up in the plan cache: a bulk INSERT (whose plan is not
    /// cached, see <see cref="MaxCachedPlanRows"/>) would otherwise build a key as long as itself. A 100-row INSERT of
    /// 100 columns has about 20,000.
    /// </summary>
    const int MaxShapeKeyTokens = 20_000;

    /// <summary>INSERT plans of more rows than this are not cached (each row is a statement of the plan).</summary>
    const int MaxCachedPlanRows = 100;
    const long CatalogRecheck = 100;

    readonly SqlServer _server;
    readonly DatabaseConnection _connection;
    readonly sqlite3 _db;
    readonly FunctionState _state = new();
    readonly Dictionary<string, sqlite3_stmt> _statements = new(StringComparer.Ordinal);
    readonly Dictionary<string, object?> _userVariables = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, object?> _sessionVariables = new(StringComparer.OrdinalIgnoreCase);
    readonly HashSet<SqlPreparedStatement> _prepared = [];
    readonly Dictionary<string, TableInfo> _temporary = new(StringComparer.Ordinal);
    bool _autocommit = true;
    long _remoteCommitsSeen;
    bool _readOnlyTransaction;
    long _lastInsertId;
    long _rowCount;
    long _foundRows;
    long _catalogCheckedAt = long.MinValue / 2;
    bool _disposed;

    /// <summary>The engine connection (tests: to act on the engine under the SQL layer).</summary>
    internal DatabaseConnection Connection => _connection;

    /// <summary>Whether SQLite had a transaction open on this session's connection when its last statement ended.</summary>
    bool _transactionOpen;

    public SqlSession(SqlServer server, SessionInfo info)
    {
        _server = server;
        Info = info;
        _connection = server.Database.OpenConnection();
        _db = _connection.Handle;
        try
        {
            raw.sqlite3_extended_result_codes(_db, 1);
            SqliteUtil.Exec(_db, "PRAGMA temp_store = MEMORY");
            // Foreign keys are enforced by triggers (docs/sql-layer.md, "Foreign keys"), not by SQLite's own FK support;
            // recursive triggers let a cascade reach a self-referencing table and REPLACE's delete fire the parent's checks.
            SqliteUtil.Exec(_db, "PRAGMA foreign_keys = OFF");
            SqliteUtil.Exec(_db, "PRAGMA recursive_triggers = ON");
            _state.UserLocks = server.UserLocks;
            _state.ConnectionId = info.ConnectionId;
            _state.UserVariables = _userVariables;
            SqlFunctions.Register(_db, _state, server.Registry);
            RegisterAuroraFunctions();
            RegisterAutoIncrementFunction();
            _state.ForeignKeyChecks = GlobalForeignKeyChecks;
            foreach (var statement in CatalogStore.InformationSchemaSql(info.User).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                SqliteUtil.Exec(_db, statement);
            SqliteUtil.Exec(_db, CatalogStore.MySqlUserViewSql(server.Options.Accounts));
            if (info.Database is { Length: > 0 } db)
                UseDatabase(db);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public SessionInfo Info { get; }

    bool GlobalForeignKeyChecks => Convert.ToInt64(GetSystemVariable("foreign_key_checks", global: true), System.Globalization.CultureInfo.InvariantCulture) != 0;

    public string? CurrentDatabase { get; private set; }

    /// <summary>The statement being run (SHOW PROCESSLIST), or null.</summary>
    internal string? CurrentStatement { get; private set; }

    public ServerStatus Status =>
        (_autocommit ? ServerStatus.Autocommit : ServerStatus.None)
        | (_connection.InTransaction ? ServerStatus.InTransaction : ServerStatus.None)
        | (_connection.InTransaction && _readOnlyTransaction ? ServerStatus.InTransactionReadOnly : ServerStatus.None);

    public int WarningCount => _state.Warnings.Count;

    bool OnlyFullGroupBy => (GetSystemVariable("sql_mode", global: false) as string ?? "").Contains("ONLY_FULL_GROUP_BY", StringComparison.OrdinalIgnoreCase);

    bool Strict
    {
        get
        {
            var mode = GetSystemVariable("sql_mode", global: false) as string ?? "";
            return mode.Contains("STRICT_TRANS_TABLES", StringComparison.OrdinalIgnoreCase) || mode.Contains("STRICT_ALL_TABLES", StringComparison.OrdinalIgnoreCase);
        }
    }

    string ClientHost
    {
        get
        {
            string host = Info.Host;
            int colon = host.LastIndexOf(':');
            return colon > 0 && !host.EndsWith(']') && host.Count(c => c == ':') == 1 ? host[..colon] : host;
        }
    }

    public void UseDatabase(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (name.Equals("information_schema", StringComparison.OrdinalIgnoreCase))
        {
            CurrentDatabase = "information_schema";
            return;
        }
        var catalog = CurrentCatalog();
        var schema = catalog.FindSchema(name) ?? throw MySqlErrors.UnknownDatabase(name);
        CurrentDatabase = schema.Name;
    }

    /// <summary>
    /// The catalog to translate against. DDL in this process installs its catalog at once (shared by all sessions);
    /// the version stored in the database is re-read at most every <see cref="CatalogRecheck"/> so that DDL committed
    /// by another process sharing the volume is seen without a read on every statement.
    /// </summary>
    CatalogSnapshot CurrentCatalog(bool force = false)
    {
        long now = Environment.TickCount64;
        if (!force && now - _catalogCheckedAt < CatalogRecheck)
            return _server.Catalog;
        _catalogCheckedAt = now;
        var stmt = GetStatement("SELECT value FROM __bx_meta WHERE key = 'catalog_version'");
        try
        {
            int rc = raw.sqlite3_step(stmt);
            // A failed read (a storage error) may have rolled the open transaction back: never carry on as if it had not.
            SqliteRowSource.ThrowIfError(rc, _db, _state);
            long version = rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(stmt, 0) : 0;
            raw.sqlite3_reset(stmt);
            return _server.EnsureCatalog(_db, version);
        }
        finally
        {
            raw.sqlite3_reset(stmt);
        }
    }

    sqlite3_stmt GetStatement(string sql)
    {
        if (_statements.TryGetValue(sql, out var stmt))
            return stmt;
        // The cache is trimmed between statements (ExecuteStatementCoreAsync), never while a statement may hold one.
        stmt = SqliteUtil.Prepare(_db, sql);
        _statements[sql] = stmt;
        return stmt;
    }

    void ClearStatements()
    {
        foreach (var s in _statements.Values)
            s.Dispose();
        _statements.Clear();
    }

    public async ValueTask ExecuteAsync(string sql, bool allowMultipleStatements, IResultSink sink, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(sink);
        Interlocked.Increment(ref _server.Questions);
        var statements = Split(sql);
        if (statements.Count == 0)
            throw MySqlErrors.EmptyQuery();
        if (!allowMultipleStatements && statements.Count > 1)
            throw MySqlErrors.Syntax(Lexer.Near(sql, statements[1][0].Start), statements[1][0].Line);
        if (statements.Count > 1)
            Interlocked.Add(ref _server.Questions, statements.Count - 1); // MySQL counts each statement of a multi-statement query.
        for (int i = 0; i < statements.Count; i++)
            await ExecuteStatementAsync(sql, statements[i], null, null, i < statements.Count - 1, sink, cancellationToken);
    }

    public PreparedStatement Prepare(string sql)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(sql);
        var statements = Split(sql);
        if (statements.Count == 0)
            throw MySqlErrors.EmptyQuery();
        if (statements.Count > 1)
            throw MySqlErrors.Syntax(Lexer.Near(sql, statements[1][0].Start), statements[1][0].Line);
        var tokens = statements[0];
        Statement statement;
        int parameterCount;
        IReadOnlyList<ColumnDefinition> columns = [];
        SqlPlan? plan = null;
        try
        {
            statement = Parser.Parse(sql, tokens, out parameterCount);
            RefuseNestedPrepare(statement);
            if (statement is Statement.SelectStatement select)
            {
                var catalog = CurrentCatalog();
                plan = NewTranslator(catalog).TranslateSelect(select.Query);
                plan = WithDatabase(plan);
                var stmt = GetStatement(plan.Sql);
                columns = BuildColumns(stmt, plan, hasRow: false, out bool complete);
                if (complete)
                    plan.Columns = columns;
            }
        }
        catch (Exception ex) when (ex is not MySqlErrorException and not OperationCanceledException and not ObjectDisposedException)
        {
            throw MySqlErrors.Internal(ex.Message);
        }
        finally
        {
            _connection.EndStatement();
        }
        var prepared = new SqlPreparedStatement(sql, tokens, statement, parameterCount, columns) { Plan = plan };
        _prepared.Add(prepared);
        return prepared;
    }

    /// <summary>The plan as translated under the session's current schema (a copy: the translator's plan may be cached).</summary>
    SqlPlan WithDatabase(SqlPlan plan) => plan with { Database = CurrentDatabase, Columns = null };

    public async ValueTask ExecutePreparedAsync(PreparedStatement statement, IReadOnlyList<object?> parameters, IResultSink sink, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(sink);
        if (statement is not SqlPreparedStatement prepared || prepared.Closed)
            throw MySqlErrors.UnknownStatementHandler(0, "mysqld_stmt_execute");
        if (parameters.Count < prepared.ParameterCount)
            throw MySqlErrors.IncorrectArguments("mysqld_stmt_execute");
        Interlocked.Increment(ref _server.Questions);
        await ExecuteStatementAsync(prepared.Sql, prepared.Tokens, parameters, prepared, false, sink, cancellationToken);
    }

    public void ClosePrepared(PreparedStatement statement)
    {
        if (statement is SqlPreparedStatement prepared)
        {
            prepared.Closed = true;
            _prepared.Remove(prepared);
        }
    }

    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connection.InTransaction)
            raw.sqlite3_exec(_db, "ROLLBACK");
        _transactionOpen = false;
        _connection.EndStatement();
        _userVariables.Clear();
        _sessionVariables.Clear();
        DropTemporaryTables();
        foreach (var p in _prepared)
            p.Closed = true;
        _prepared.Clear();
        _named.Clear();
        _server.UserLocks.ReleaseAll(Info.ConnectionId);
        _autocommit = true;
        _state.ForeignKeyChecks = GlobalForeignKeyChecks;
        _lastInsertId = 0;
        _rowCount = 0;
        _state.Warnings.Clear();
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _server.Forget(this);
        _server.UserLocks.ReleaseAll(Info.ConnectionId);
        ClearStatements();
        _connection.Dispose();
    }

    static List<List<Token>> Split(string sql)
    {
        try
        {
            return StatementText.Split(Lexer.Tokenize(sql));
        }
        catch (Exception ex) when (ex is not MySqlErrorException)
        {
            throw MySqlErrors.Internal(ex.Message);
        }
    }

    Translator NewTranslator(CatalogSnapshot catalog) => new(catalog, CurrentDatabase, _temporary) { OnlyFullGroupBy = OnlyFullGroupBy };

    static bool IsDataStatement(List<Token> tokens) =>
        tokens.Count > 0 && (tokens[0].Is("SELECT") || tokens[0].Is("INSERT") || tokens[0].Is("UPDATE") || tokens[0].Is("DELETE") || tokens[0].Is("REPLACE"));

    static bool InlinedMatch(SqlPlan plan, object?[] literals)
    {
        foreach (var (index, value) in plan.Inlined)
        {
            if (index >= literals.Length)
                return false;
            var actual = literals[index];
            if (actual is byte[] a && value is byte[] b ? !a.AsSpan().SequenceEqual(b) : !Equals(actual, value))
                return false;
        }
        return true;
    }

    async ValueTask ExecuteStatementAsync(string sql, List<Token> tokens, IReadOnlyList<object?>? parameters, SqlPreparedStatement? prepared,
        bool more, IResultSink sink, CancellationToken cancellationToken)
    {
        var guarded = new GuardedSink(sink);
        try
        {
            CheckTransactionKept(tokens);
            if (_server.Database.Shared is not null)
                await CatchUpWithOtherWritersAsync(tokens, cancellationToken);
            // A statement run on its own (autocommit, no transaction open) whose commit lost a page conflict to another
            // writer (multi-master) is run again on the newest data, as InnoDB would have made it wait for the row
            // lock: the client never saw it and is told only what the last run did. In a transaction, 1213 goes back.
            bool alone = _autocommit && !_connection.InTransaction && !(tokens.Count > 0 && tokens[0].Is("COMMIT"));
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    await ExecuteStatementCoreAsync(sql, tokens, parameters, prepared, more, guarded, cancellationToken);
                    break;
                }
                catch (MySqlErrorException ex) when (alone && attempt < MaxConflictRetries && !guarded.Wrote && IsWriteConflict(ex))
                {
                    _server.CountConflictRetry();
                    // Writers racing for one hot page: step aside a little, more each time, so that one of them wins.
                    await Task.Delay(TimeSpan.FromMicroseconds(Random.Shared.Next(100, 500) * attempt), cancellationToken);
                }
            }
        }
        catch (MySqlErrorException ex)
        {
            // SQLite reports a failed volume write or read as "disk I/O error": say what the volume said. A commit that
            // lost a page conflict to another writer is MySQL's deadlock, and nothing of its transaction remains.
            if (IsWriteConflict(ex))
            {
                ex = MySqlErrors.Deadlock();
                if (_connection.InTransaction)
                    SqliteUtil.Exec(_db, "ROLLBACK");
            }
            else if (_connection.LastIoError is { } io && ex.Message.Contains("disk I/O error", StringComparison.Ordinal))
                ex = MySqlErrors.Internal("storage error: " + io.Message);
            // SHOW WARNINGS after a failed statement lists the error, as in MySQL.
            _state.Warnings.Add(SqlWarning.Of(ex, "Error"));
            throw ex;
        }
        catch (Exception ex) when (!guarded.Failed && ex is not OperationCanceledException and not ObjectDisposedException)
        {
            // A fault of the SQL layer on odd input must not end the session: it becomes ER_UNKNOWN_ERROR.
            _state.Warnings.Add(new SqlWarning("Error", (int)MySqlErrorCode.UnknownError, ex.Message));
            throw MySqlErrors.Internal(ex.Message);
        }
        finally
        {
            _transactionOpen = _connection.InTransaction;
        }
    }

    /// <summary>
    /// Multi-master: a statement outside a transaction that writes (DDL included) first applies everything committed
    /// on the volume by any writer, so a client that wrote through another writer, or created a table there, never
    /// fails on this one for not seeing it; with <c>aurora_mm_session_consistency_level = REGIONAL_RAW</c> every
    /// statement outside a transaction does (reads see cluster-wide commits). A statement that follows another
    /// writer's DDL sees the new catalog at once.
    /// </summary>
    async ValueTask CatchUpWithOtherWritersAsync(List<Token> tokens, CancellationToken cancellationToken)
    {
        var database = _server.Database;
        if (!_connection.InTransaction && (WouldWrite(tokens) || IsRegionalRaw()))
            await _connection.CatchUpAsync(cancellationToken);
        long applied = database.RemoteCommits;
        if (applied != _remoteCommitsSeen)
        {
            _remoteCommitsSeen = applied;
            _catalogCheckedAt = long.MinValue / 2; // Re-read the catalog version before this statement.
        }
    }

    bool IsRegionalRaw() =>
        _sessionVariables.TryGetValue("aurora_mm_session_consistency_level", out var level) && level is "REGIONAL_RAW";

    /// <summary>Runs of one autocommit statement at most, when its commit keeps losing page conflicts (multi-master).</summary>
    const int MaxConflictRetries = 10;

    bool IsWriteConflict(MySqlErrorException ex) =>
        _connection.LastIoError is WriteConflictException && ex.Message.Contains("disk I/O error", StringComparison.Ordinal);

    /// <summary>
    /// A transaction open at the end of the last statement must still be open at the start of this one. SQLite rolls
    /// a transaction back by itself on some errors (I/O, out of memory); one that did so between statements, unseen by
    /// the client, must not let a COMMIT answer OK for changes that are gone, nor the next statement run in autocommit
    /// as if it were part of it: that statement fails, once; a ROLLBACK is fine.
    /// </summary>
    void CheckTransactionKept(List<Token> tokens)
    {
        if (!_transactionOpen || _connection.InTransaction)
            return;
        _transactionOpen = false;
        if (tokens.Count > 0 && tokens[0].Is("ROLLBACK"))
            return;
        string why = _connection.LastIoError is { } io ? "storage error: " + io.Message : "the engine rolled it back";
        throw tokens.Count > 0 && tokens[0].Is("COMMIT")
            ? MySqlErrors.ErrorDuringCommit($"the transaction was rolled back before COMMIT ({why}); nothing of it was committed")
            : MySqlErrors.Internal($"The open transaction was rolled back ({why}); nothing of it was committed. Start it again.");
    }

    async ValueTask ExecuteStatementCoreAsync(string sql, List<Token> tokens, IReadOnlyList<object?>? parameters, SqlPreparedStatement? prepared,
        bool more, IResultSink sink, CancellationToken cancellationToken)
    {
        CurrentStatement = sql;
        _state.LastInsertIdOverride = null;
        _state.RecursionRows = 0;
        _state.RandomStates.Clear();
        if (_statements.Count >= MaxCachedStatements)
            ClearStatements();
        bool showWarnings = tokens.Count > 1 && tokens[0].Is("SHOW") && (tokens[1].Is("WARNINGS") || tokens[1].Is("ERRORS") || tokens[1].Is("COUNT"));
        if (!showWarnings)
            _state.Warnings.Clear();
        _state.PendingError = null;
        try
        {
            var literals = StatementText.LiteralValues(tokens);
            var catalog = CurrentCatalog();
            string? key = null;
            // Temporary tables hide catalog tables for this session only: its statements bypass the shared shape cache.
            if (prepared is null && IsDataStatement(tokens) && _temporary.Count == 0 && tokens.Count <= MaxShapeKeyTokens)
            {
                // Plans are shared by sessions: one translated without the ONLY_FULL_GROUP_BY check is kept apart.
                // So is one translated without strict mode (an INSERT then ignores values for generated columns).
                key = StatementText.ShapeKey(tokens, (OnlyFullGroupBy ? CurrentDatabase : CurrentDatabase + "\u0002") + (Strict ? "" : "\u0003"));
                if (_server.Plans.TryGetValue(key, out var cached) && cached.CatalogVersion == catalog.Version && InlinedMatch(cached, literals))
                {
                    await RunPlanAsync(cached, literals, parameters, more, sink, cancellationToken);
                    return;
                }
            }
            if (prepared?.Plan is { } preparedPlan && preparedPlan.CatalogVersion == catalog.Version
                && string.Equals(preparedPlan.Database, CurrentDatabase, StringComparison.Ordinal))
            {
                await RunPlanAsync(preparedPlan, literals, parameters, more, sink, cancellationToken);
                return;
            }
            Statement statement;
            try
            {
                statement = prepared?.Statement ?? Parser.Parse(sql, tokens, out _, literals);
            }
            catch (MySqlErrorException ex) when (ex.Code == MySqlErrorCode.NotSupportedYet && _server.Options.ReadOnly && WouldWrite(tokens))
            {
                throw MySqlErrors.ReadOnly();
            }
            await DispatchAsync(statement, catalog, key, prepared, literals, parameters, more, sink, cancellationToken);
        }
        catch (LockWaitTimeoutException)
        {
            throw MySqlErrors.LockWaitTimeout();
        }
        finally
        {
            _connection.EndStatement();
            CurrentStatement = null;
            if (_state.LastInsertIdOverride is long id)
                _lastInsertId = id;
        }
    }

    async ValueTask DispatchAsync(Statement statement, CatalogSnapshot catalog, string? key, SqlPreparedStatement? prepared, object?[] literals,
        IReadOnlyList<object?>? parameters, bool more, IResultSink sink, CancellationToken cancellationToken)
    {
        // A read-only instance (a reader) refuses writes before translating them: nothing reaches the engine.
        if (_server.Options.ReadOnly && WritesDatabase(statement))
            throw MySqlErrors.ReadOnly();
        SqlPlan? plan = null;
        var translator = NewTranslator(catalog);
        switch (statement)
        {
            case Statement.SelectStatement s:
                plan = translator.TranslateSelect(s.Query);
                break;
            case Statement.Insert i:
                plan = translator.TranslateInsert(i, Strict, Info.User, ClientHost);
                break;
            case Statement.Update u:
                plan = translator.TranslateUpdate(u, Info.User, ClientHost);
                break;
            case Statement.Delete d:
                plan = translator.TranslateDelete(d, Info.User, ClientHost);
                break;
        }
        if (plan is not null)
        {
            if (_server.Options.ReadOnly && plan.Kind != PlanKind.Select && plan.Table is not { Temporary: true })
                throw MySqlErrors.ReadOnly();
            plan = WithDatabase(plan);
            if (key is not null && plan.Rows.Count <= MaxCachedPlanRows)
            {
                if (_server.Plans.Count > 10_000)
                    _server.Plans.Clear();
                _server.Plans[key] = plan;
            }
            if (prepared is not null)
                prepared.Plan = plan;
            await RunPlanAsync(plan, literals, parameters, more, sink, cancellationToken);
            return;
        }
        switch (statement)
        {
            case Statement.PrepareNamed prepare:
                PrepareNamed(prepare, catalog, literals, parameters);
                await WriteOkAsync(new OkResult(Info: "Statement prepared"), more, sink, cancellationToken);
                return;
            case Statement.ExecuteNamed execute:
                await ExecuteNamedAsync(execute, catalog, literals, more, sink, cancellationToken);
                return;
            case Statement.DeallocateNamed deallocate:
                DeallocateNamed(deallocate);
                break;
            case Statement.Transaction t:
                await TransactionAsync(t, cancellationToken);
                break;
            case Statement.Use u:
                UseDatabase(u.Name);
                break;
            case Statement.Set set:
                await SetAsync(set, catalog, literals, parameters, cancellationToken);
                break;
            case Statement.SetNames names:
                SetNames(names);
                break;
            case Statement.NoOp:
                break;
            case Statement.TableMaintenance maintenance:
                await TableMaintenanceAsync(maintenance, catalog, more, sink, cancellationToken);
                return;
            case Statement.Show show:
                await ShowAsync(show, catalog, more, sink, cancellationToken);
                return;
            case Statement.Unsupported u:
                throw MySqlErrors.NotSupportedYet(u.What);
            case Statement.Explain explain:
                await ExplainAsync(explain, catalog, more, sink, cancellationToken);
                return;
            case Statement.AlterSystemCrash crash:
                await AlterSystemCrashAsync(crash, more, sink, cancellationToken);
                return;
            default:
                await DdlAsync(statement, more, sink, cancellationToken);
                return;
        }
        await WriteOkAsync(new OkResult(), more, sink, cancellationToken);
    }

    async ValueTask WriteOkAsync(OkResult result, bool more, IResultSink sink, CancellationToken cancellationToken)
    {
        _connection.EndStatement();
        await _connection.WaitForDurableAsync(cancellationToken);
        await sink.WriteOkAsync(result, more, cancellationToken);
    }

    void BeginIfNeeded()
    {
        if (!_autocommit && !_connection.InTransaction)
            SqliteUtil.Exec(_db, "BEGIN");
    }

    /// <summary>Takes the engine's write lock before a write; on a read-only instance, fails with 1290 unless the
    /// statement writes only <paramref name="target"/>, a temporary table (session memory, not the volume).</summary>
    async ValueTask AcquireWriteAsync(CancellationToken cancellationToken, TableInfo? target = null)
    {
        if (_server.Options.ReadOnly)
        {
            if (target is { Temporary: true })
                return;
            throw MySqlErrors.ReadOnly();
        }
        if (_readOnlyTransaction && _connection.InTransaction)
            throw MySqlErrors.ReadOnlyTransaction();
        try
        {
            await _connection.AcquireWriteLockAsync(cancellationToken);
        }
        catch (LockWaitTimeoutException)
        {
            throw MySqlErrors.LockWaitTimeout();
        }
        catch (DatabaseReadOnlyException)
        {
            // The engine of a reader cannot write: a statement that got this far (not classified as a write above,
            // or ReadOnly not set) still gets MySQL's read-only error, not an internal one.
            throw MySqlErrors.ReadOnly();
        }
    }

    async ValueTask TransactionAsync(Statement.Transaction t, CancellationToken cancellationToken)
    {
        switch (t.Action)
        {
            case "BEGIN" or "BEGIN READ ONLY":
                if (_connection.InTransaction)
                    await CommitAsync(cancellationToken);
                SqliteUtil.Exec(_db, "BEGIN");
                _readOnlyTransaction = t.Action == "BEGIN READ ONLY";
                break;
            case "COMMIT":
                await CommitAsync(cancellationToken);
                break;
            case "ROLLBACK":
                if (_connection.InTransaction)
                    SqliteUtil.Exec(_db, "ROLLBACK");
                break;
            case "SAVEPOINT":
                if (_connection.InTransaction)
                    SqliteUtil.Exec(_db, "SAVEPOINT " + SqliteUtil.Quote(t.Savepoint!));
                break;
            case "ROLLBACK TO":
            case "RELEASE":
                if (!_connection.InTransaction)
                    throw MySqlErrors.SavepointDoesNotExist(t.Savepoint!);
                try
                {
                    SqliteUtil.Exec(_db, (t.Action == "RELEASE" ? "RELEASE " : "ROLLBACK TO ") + SqliteUtil.Quote(t.Savepoint!));
                }
                catch (MySqlErrorException)
                {
                    throw MySqlErrors.SavepointDoesNotExist(t.Savepoint!);
                }
                break;
        }
    }

    async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        if (_connection.InTransaction)
            SqliteUtil.Exec(_db, "COMMIT");
        _connection.EndStatement();
        await _connection.WaitForDurableAsync(cancellationToken);
    }

    static object? Negate(object? v) => v switch
    {
        long l when l != long.MinValue => -l,
        long l => -(decimal)l,
        ulong u => u == 9223372036854775808UL ? long.MinValue : -(decimal)u,
        decimal m => -m,
        Syntax.ExactDecimal e => new Syntax.ExactDecimal(e.Text.StartsWith('-') ? e.Text[1..] : "-" + e.Text),
        double d => -d,
        null => null,
        _ => double.TryParse(Execution.ValueCoercion.ToText(v), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? -d : 0L,
    };

    object? ResolveParam(in ParamSource p, object?[] literals, IReadOnlyList<object?>? parameters) => p.Kind switch
    {
        ParamKind.Literal => p.Negate ? Negate(literals[p.Index]) : literals[p.Index],
        ParamKind.Placeholder => parameters is not null && p.Index < parameters.Count ? parameters[p.Index]
            : throw MySqlErrors.IncorrectArguments("mysqld_stmt_execute"),
        ParamKind.UserVariable => _userVariables.GetValueOrDefault(p.Name!),
        ParamKind.SystemVariable => GetSystemVariable(p.Name!, p.Global),
        ParamKind.LastInsertId => _lastInsertId,
        ParamKind.RowCount => _rowCount,
        ParamKind.FoundRows => _foundRows,
        ParamKind.Database => CurrentDatabase,
        ParamKind.ConnectionId => (long)Info.ConnectionId,
        ParamKind.User => Info.User + "@" + ClientHost,
        ParamKind.Version => SystemVariables.Version,
        _ => null,
    };

    void BindAll(sqlite3_stmt stmt, List<ParamSource> sources, object?[] literals, IReadOnlyList<object?>? parameters)
    {
        for (int i = 0; i < sources.Count; i++)
            SqliteUtil.Bind(stmt, i + 1, ResolveParam(sources[i], literals, parameters));
    }

    IReadOnlyList<ColumnDefinition> BuildColumns(sqlite3_stmt stmt, SqlPlan plan, bool hasRow, out bool complete)
    {
        complete = true;
        int n = raw.sqlite3_column_count(stmt);
        var columns = new ColumnDefinition[n];
        var catalog = _server.Catalog;
        for (int i = 0; i < n; i++)
        {
            string name = raw.sqlite3_column_name(stmt, i).utf8_to_string() ?? "";
            string? table = raw.sqlite3_column_table_name(stmt, i).utf8_to_string();
            string? origin = raw.sqlite3_column_origin_name(stmt, i).utf8_to_string();
            if (table is not null && origin is not null && table.IndexOf('/', StringComparison.Ordinal) is int slash && slash > 0
                && catalog.FindTable(table[..slash], table[(slash + 1)..]) is { } info && info.FindColumn(origin) is { } col)
            {
                var definition = ResultColumns.FromColumn(name, col, info, IndexFlags.Instance);
                if (plan.Positions is { } positions && i < positions.Count && origin.Equals(positions[i].Column, StringComparison.OrdinalIgnoreCase))
                {
                    // MySQL names the table as the query does (an alias), and an outer join's inner side can be NULL.
                    if (positions[i].Alias is { } alias)
                        definition = definition with { Table = alias };
                    if (positions[i].NullableSide)
                        definition = definition with { Flags = definition.Flags & ~ColumnFlags.NotNull };
                }
                columns[i] = WithNullability(plan, i, definition, ofColumn: true);
                continue;
            }
            if (plan.Hints.TryGetValue(name, out var hint))
            {
                columns[i] = WithNullability(plan, i, ResultColumns.Definition(name, hint), ofColumn: false);
                continue;
            }
            complete = false;
            int type = hasRow ? raw.sqlite3_column_type(stmt, i) : raw.SQLITE_TEXT;
            columns[i] = WithNullability(plan, i, type switch
            {
                raw.SQLITE_INTEGER => ResultColumns.Integer(name),
                raw.SQLITE_FLOAT => ResultColumns.Definition(name, new ColumnHint(MySqlColumnType.Double, 22, 31, ColumnFlags.Binary)),
                raw.SQLITE_BLOB => ResultColumns.Definition(name, new ColumnHint(MySqlColumnType.Blob, 65535, 0, ColumnFlags.Binary | ColumnFlags.Blob)),
                _ => ResultColumns.Text(name, 255),
            }, ofColumn: false);
        }
        return columns;
    }

    /// <summary>
    /// The NOT_NULL flag the translator proved or disproved for result position <paramref name="i"/>. A UNION's
    /// column belongs to no table and has no key or default flags, as in MySQL; an expression has no key or default
    /// flags either (MAX of a key column is not a key).
    /// </summary>
    static ColumnDefinition WithNullability(SqlPlan plan, int i, ColumnDefinition definition, bool ofColumn)
    {
        const ColumnFlags TableOnly = ColumnFlags.PrimaryKey | ColumnFlags.UniqueKey | ColumnFlags.MultipleKey | ColumnFlags.PartKey
            | ColumnFlags.NoDefaultValue | ColumnFlags.AutoIncrement | ColumnFlags.OnUpdateNow;
        bool? notNull;
        if (plan.CompoundNotNull is { } compound)
        {
            notNull = i < compound.Count && compound[i];
            definition = definition with { Schema = "", Table = "", OriginalTable = "", OriginalName = "" };
            ofColumn = false;
        }
        else
        {
            notNull = plan.Positions is { } positions && i < positions.Count ? positions[i].NotNull : null;
            if (ofColumn)
                return definition;
        }
        var flags = definition.Flags & ~TableOnly;
        if (notNull is { } value)
            flags = value ? flags | ColumnFlags.NotNull : flags & ~ColumnFlags.NotNull;
        return definition with { Flags = flags };
    }
}
