using Borealis.Sql.Catalog;
using Borealis.Sql.Errors;
using Borealis.Sql.Execution;
using Borealis.Sql.Results;
using SQLitePCL;

namespace Borealis.Sql;

internal sealed partial class SqlSession
{
    const int SqliteConstraintUnique = 2067;
    const int SqliteConstraintPrimaryKey = 1555;

    ValueTask RunPlanAsync(SqlPlan plan, object?[] literals, IReadOnlyList<object?>? parameters, bool more, IResultSink sink, CancellationToken cancellationToken) =>
        plan.Kind switch
        {
            PlanKind.Select => RunSelectAsync(plan, literals, parameters, more, sink, cancellationToken),
            PlanKind.Insert => RunInsertAsync(plan, literals, parameters, more, sink, cancellationToken),
            _ => RunWriteAsync(plan, literals, parameters, more, sink, cancellationToken),
        };

    async ValueTask RunSelectAsync(SqlPlan plan, object?[] literals, IReadOnlyList<object?>? parameters, bool more, IResultSink sink, CancellationToken cancellationToken)
    {
        BeginIfNeeded();
        if (plan.ForUpdate && _connection.InTransaction && !_server.Options.ReadOnly)
            await AcquireWriteAsync(cancellationToken);
        var stmt = GetStatement(plan.Sql);
        try
        {
            BindAll(stmt, plan.Params, literals, parameters);
            int rc = raw.sqlite3_step(stmt);
            if (rc != raw.SQLITE_ROW && rc != raw.SQLITE_DONE)
                throw SqliteRowSource.Error(rc, _db, _state);
            var columns = plan.Columns;
            if (columns is null)
            {
                columns = BuildColumns(stmt, plan, rc == raw.SQLITE_ROW, out bool complete);
                if (complete)
                    plan.Columns = columns;
            }
            await _connection.WaitForDurableAsync(cancellationToken);
            var rows = new SqliteRowSource(_db, stmt, _state, rc == raw.SQLITE_ROW);
            await sink.WriteResultSetAsync(columns, rows, more, cancellationToken);
            _foundRows = rows.RowsRead;
            _rowCount = -1;
        }
        finally
        {
            raw.sqlite3_reset(stmt);
        }
        if (plan.CountSql is not null)
        {
            var count = GetStatement(plan.CountSql);
            try
            {
                BindAll(count, plan.CountParams!, literals, parameters);
                int rc = raw.sqlite3_step(count);
                SqliteRowSource.ThrowIfError(rc, _db, _state);
                if (rc == raw.SQLITE_ROW)
                    _foundRows = raw.sqlite3_column_int64(count, 0);
            }
            finally
            {
                raw.sqlite3_reset(count);
            }
        }
    }

    /// <summary>Starts statement-level atomicity for statements that run several SQLite statements.</summary>
    bool BeginStatementScope()
    {
        if (_connection.InTransaction)
        {
            SqliteUtil.Exec(_db, "SAVEPOINT __bx_stmt");
            return true;
        }
        SqliteUtil.Exec(_db, "BEGIN");
        return false;
    }

    void EndStatementScope(bool savepoint, bool success)
    {
        if (savepoint)
        {
            if (!success)
                raw.sqlite3_exec(_db, "ROLLBACK TO __bx_stmt");
            raw.sqlite3_exec(_db, "RELEASE __bx_stmt");
            return;
        }
        if (success)
            SqliteUtil.Exec(_db, "COMMIT");
        else if (_connection.InTransaction)
            raw.sqlite3_exec(_db, "ROLLBACK");
    }

    async ValueTask RunInsertAsync(SqlPlan plan, object?[] literals, IReadOnlyList<object?>? parameters, bool more, IResultSink sink, CancellationToken cancellationToken)
    {
        BeginIfNeeded();
        await AcquireWriteAsync(cancellationToken, plan.Table);
        var table = plan.Table!;
        foreach (var column in plan.IgnoredGenerated ?? [])
            _state.Warnings.Add(SqlWarning.Of(MySqlErrors.GeneratedColumnValueIgnored(column, table.Name)));
        bool scoped = plan.Rows.Count > 1 || plan.Mode == InsertMode.Replace;
        bool savepoint = scoped && BeginStatementScope();
        _nextId = 0;
        _firstGeneratedId = 0;
        ulong affected = 0, duplicates = 0;
        long firstId = 0;
        _state.Strict = Strict && plan.Mode != InsertMode.Ignore;
        bool success = false;
        object?[] values = [];
        try
        {
            for (int r = 0; r < plan.Rows.Count; r++)
            {
                var row = plan.Rows[r];
                _state.Row = r + 1;
                if (values.Length < row.Params.Count)
                    values = new object?[row.Params.Count];
                var (rowAffected, id, duplicate) = InsertRow(plan, table, row, r + 1, literals, parameters, values);
                affected += rowAffected;
                if (duplicate)
                    duplicates++;
                if (id != 0 && firstId == 0)
                    firstId = id;
            }
            success = true;
        }
        finally
        {
            if (scoped)
                EndStatementScope(savepoint, success);
            // A multi-row insert that generates ids reserves one per row, from its first generated id, as InnoDB
            // does: the ids its rows with given values did not use are spent.
            if (_firstGeneratedId != 0 && plan.Rows.Count > 1)
                _server.AutoIncrementIds.NoteGiven(table.SqliteName, _firstGeneratedId + plan.Rows.Count - 1, spent: true);
            else if (_firstGeneratedId != 0 && !success)
                _server.AutoIncrementIds.NoteGiven(table.SqliteName, _firstGeneratedId, spent: true); // rows undone with the statement
        }
        if (firstId != 0)
            _lastInsertId = firstId;
        _rowCount = (long)affected;
        string info = plan.Rows.Count > 1 || plan.Rows.Count == 1 && plan.Rows[0].Sql.StartsWith("WITH", StringComparison.Ordinal)
            ? $"Records: {(plan.Rows.Count > 1 ? plan.Rows.Count : (long)affected)}  Duplicates: {duplicates}  Warnings: {_state.Warnings.Count}" : "";
        await WriteOkAsync(new OkResult(affected, (ulong)firstId, info), more, sink, cancellationToken);
    }

    /// <param name="values">Room for the row's values (at least as many as its parameters), reused from row to row.</param>
    (ulong Affected, long Id, bool Duplicate) InsertRow(SqlPlan plan, TableInfo table, InsertRow row, long rowNumber, object?[] literals, IReadOnlyList<object?>? parameters, object?[] values)
    {
        int count = row.Params.Count;
        bool generated = row.AutoIncrementOmitted && table.RowidAutoIncrement;
        long generatedValue = 0;
        for (int j = 0; j < count; j++)
        {
            var p = row.Params[j];
            if (p.Kind == ParamKind.Literal)
                p = p with { Index = p.Index + row.LiteralShift };
            object? v = p.Kind == ParamKind.AutoIncrement ? null : ResolveParam(p, literals, parameters);
            // X'0A', 0x10 and b'11' written for a numeric column are the numbers their bytes spell, as in MySQL.
            if (p.Kind == ParamKind.Literal && v is byte[] { Length: > 0 and <= 8 } bytes && p.Target is { } numeric && ValueCoercion.IsNumeric(numeric))
                v = ValueCoercion.BytesAsNumber(bytes);
            if (p.Target is not null && p.Kind != ParamKind.AutoIncrement)
                v = ValueCoercion.Coerce(p.Target, v, rowNumber, _state.Strict, _state.Warnings);
            if (j == row.AutoIncrementParam && (v is null || v is 0L))
            {
                if (table.RowidAutoIncrement)
                {
                    v = NextGeneratedId(table);
                    generated = true;
                }
                else
                {
                    var col = p.Target!;
                    var next = SqliteUtil.Query(_db, $"SELECT COALESCE(MAX({SqliteUtil.Quote(col.Name)}), 0) + 1 FROM {table.SqliteQualified}");
                    generatedValue = Convert.ToInt64(next[0][0], System.Globalization.CultureInfo.InvariantCulture);
                    v = generatedValue;
                }
            }
            values[j] = v;
        }
        // REPLACE … SELECT: SQLite does not count the rows its REPLACE deletes; MySQL counts each (1 per insert, +1 per delete).
        bool replaceSelect = plan.Mode == InsertMode.Replace && row.ReplaceSql is null;
        long before = replaceSelect ? CountRows(table) : 0;
        var stmt = GetStatement(row.Sql);
        bool tracked = table.RowidAutoIncrement && row.AutoIncrementParam >= 0 && TracksAutoIncrementIds;
        bool rowInserted = false;
        // The row went in: its id (generated or given) is noted as given out.
        void Inserted()
        {
            rowInserted = true;
            NoteIdGiven(table, raw.sqlite3_last_insert_rowid(_db), generated);
        }
        try
        {
            for (int j = 0; j < count; j++)
                SqliteUtil.Bind(stmt, j + 1, values[j]);
            _state.ResetTracking();
            int rc = SqliteUtil.StepPastRows(stmt);
            if (rc == raw.SQLITE_DONE)
            {
                int changes = raw.sqlite3_changes(_db);
                if (plan.Mode == InsertMode.Upsert && _state.AnySetCall)
                {
                    // MySQL: 1 per inserted row, 2 per updated row that changed, and (with CLIENT_FOUND_ROWS) 1 per unchanged one.
                    long matched = _state.MatchedRows, changed = _state.ChangedRows, inserted = Math.Max(0, changes - matched);
                    if (inserted > 0 && tracked)
                        Inserted();
                    else if (tracked && generated && values[row.AutoIncrementParam] is null)
                    {
                        rowInserted = true; // SQLite's upsert took the id it chose and moved its counter past it, as InnoDB.
                    }
                    return ((ulong)(inserted + 2 * changed + (Info.FoundRows ? matched - changed : 0)), 0, true);
                }
                if (replaceSelect)
                {
                    long deleted = changes - (CountRows(table) - before);
                    return ((ulong)(changes + deleted), 0, deleted > 0);
                }
                if (changes == 0 && plan.Mode == InsertMode.Ignore)
                    return (0, 0, true);
                long id = 0;
                if (changes > 0 && generated)
                    id = raw.sqlite3_last_insert_rowid(_db);
                else if (changes > 0 && generatedValue != 0)
                    id = generatedValue;
                if (changes > 0 && tracked)
                    Inserted();
                return ((ulong)changes, id, false);
            }
            int extended = raw.sqlite3_extended_errcode(_db);
            // InnoDB checks NOT NULL and CHECK before it takes an id: those failures spend none.
            if (extended == raw.SQLITE_CONSTRAINT_NOTNULL || extended == raw.SQLITE_CONSTRAINT_CHECK
                || _state.PendingError is { Code: MySqlErrorCode.ViewCheckFailed })
            {
                tracked = false;
            }
            if (extended is SqliteConstraintUnique or SqliteConstraintPrimaryKey && _state.PendingError is null)
            {
                string message = raw.sqlite3_errmsg(_db).utf8_to_string() ?? "";
                if (plan.Mode == InsertMode.Replace && row.ReplaceSql is not null)
                {
                    raw.sqlite3_reset(stmt);
                    long replaced = RowsReplaced(table, row, values);
                    var replace = GetStatement(row.ReplaceSql);
                    try
                    {
                        for (int j = 0; j < count; j++)
                            SqliteUtil.Bind(replace, j + 1, values[j]);
                        int rc2 = SqliteUtil.StepPastRows(replace);
                        if (rc2 != raw.SQLITE_DONE)
                            throw SqliteRowSource.Error(rc2, _db, _state);
                        long id = generated ? raw.sqlite3_last_insert_rowid(_db) : 0;
                        if (tracked)
                            Inserted();
                        return ((ulong)(1 + Math.Max(replaced, 1)), id, true);
                    }
                    finally
                    {
                        raw.sqlite3_reset(replace);
                    }
                }
                var duplicate = DuplicateEntry(table, message, row, values);
                if (plan.Mode == InsertMode.Ignore)
                {
                    _state.Warnings.Add(SqlWarning.Of(duplicate));
                    return (0, 0, true);
                }
                throw duplicate;
            }
            // INSERT IGNORE skips a row whose parent is missing, with the 1452 as a warning (MySQL).
            if (plan.Mode == InsertMode.Ignore && (extended == raw.SQLITE_CONSTRAINT_NOTNULL || extended == raw.SQLITE_CONSTRAINT_TRIGGER) && _state.PendingError is null)
            {
                var error = SqliteUtil.Translate(_db, rc, null);
                _state.Warnings.Add(SqlWarning.Of(error));
                return (0, 0, false);
            }
            throw SqliteRowSource.Error(rc, _db, _state);
        }
        finally
        {
            raw.sqlite3_reset(stmt);
            // An id the row was to get is spent even though no row was inserted (a duplicate key, an ignored or
            // updated row, any error), as in InnoDB.
            if (tracked && generated && !rowInserted)
                NoteIdGiven(table, values[row.AutoIncrementParam] is long chosen ? chosen : SqliteNextId(table), generated: true, spent: true);
        }
    }

    /// <summary>The id <see cref="NextGeneratedId"/> computed for the statement's next generated row (0: not yet).</summary>
    long _nextId;

    /// <summary>Whether this server sees every id given out (not with several writers): <see cref="AutoIncrementIds"/>.</summary>
    bool TracksAutoIncrementIds => _server.Database.Shared is null;

    /// <summary>
    /// The id of a generated row: null lets SQLite choose, which is right unless an id it would choose was already
    /// given out (spent by a failed, ignored or rolled-back insert: <see cref="AutoIncrementIds.MayBeBehind"/>, then
    /// checked against SQLite's counter); else the next id after every id given out, from then on in the statement.
    /// </summary>
    long? NextGeneratedId(TableInfo table)
    {
        if (!TracksAutoIncrementIds)
            return null;
        if (_nextId == 0)
        {
            long rolledBack = _server.Database.RolledBackWrites;
            if (!_server.AutoIncrementIds.MayBeBehind(table.SqliteName, rolledBack, out long given))
                return null; // SQLite's next id is past every id given out: its own choice is right.
            long sqliteNext = SqliteNextId(table);
            if (sqliteNext > given)
            {
                _server.AutoIncrementIds.Caught(table.SqliteName, rolledBack);
                return null;
            }
            _nextId = given + 1;
        }
        return _nextId;
    }

    /// <summary>The statement's first generated id, spent or used (0: none yet).</summary>
    long _firstGeneratedId;

    void NoteIdGiven(TableInfo table, long id, bool generated, bool spent = false)
    {
        if (generated && _firstGeneratedId == 0)
            _firstGeneratedId = id;
        _server.AutoIncrementIds.NoteGiven(table.SqliteName, id, spent);
        if (_nextId != 0)
            _nextId = Math.Max(_nextId, id + 1);
    }

    /// <summary>The id SQLite would give the next row: one above its counter and above every rowid.</summary>
    long SqliteNextId(TableInfo table)
    {
        // A prepared statement kept per table (it runs after a spent id or a rolled-back write, and on failures).
        var stmt = GetStatement("SELECT max(COALESCE((SELECT seq FROM main.sqlite_sequence WHERE name = ?), 0), COALESCE((SELECT max(rowid) FROM "
            + table.SqliteQualified + "), 0)) + 1");
        try
        {
            SqliteUtil.Bind(stmt, 1, table.SqliteName);
            int rc = raw.sqlite3_step(stmt);
            if (rc != raw.SQLITE_ROW)
                throw SqliteRowSource.Error(rc, _db, _state);
            return raw.sqlite3_column_int64(stmt, 0);
        }
        finally
        {
            raw.sqlite3_reset(stmt);
        }
    }

    /// <summary>
    /// The rows a REPLACE that hit a duplicate key is about to delete: those equal to the new row on any PRIMARY or
    /// UNIQUE key (MySQL counts each, with the insert). -1 when a key column's value is not a plain parameter.
    /// </summary>
    long RowsReplaced(TableInfo table, InsertRow row, object?[] values)
    {
        var byColumn = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        for (int j = 0; j < row.Params.Count; j++)
        {
            if (row.Params[j].Target is { } target)
                byColumn[target.Name] = values[j];
        }
        var clauses = new List<string>();
        var args = new List<object?>();
        foreach (var index in table.Indexes.Where(i => i.Primary || i.Unique))
        {
            if (!index.Columns.All(byColumn.ContainsKey))
                return -1;
            if (index.Columns.Any(c => byColumn[c] is null))
                continue; // NULLs never collide
            clauses.Add("(" + string.Join(" AND ", index.Columns.Select(c => SqliteUtil.Quote(c) + " = ?")) + ")");
            args.AddRange(index.Columns.Select(c => byColumn[c]));
        }
        if (clauses.Count == 0)
            return -1;
        return Convert.ToInt64(SqliteUtil.Query(_db, $"SELECT count(*) FROM {table.SqliteQualified} WHERE {string.Join(" OR ", clauses)}", [.. args])[0][0],
            System.Globalization.CultureInfo.InvariantCulture);
    }

    long CountRows(TableInfo table) => Convert.ToInt64(SqliteUtil.Query(_db, "SELECT count(*) FROM " + table.SqliteQualified)[0][0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>1062 in MySQL 8's wording: "Duplicate entry 'v1-v2' for key 'table.key'".</summary>
    static MySqlErrorException DuplicateEntry(TableInfo table, string sqliteMessage, InsertRow? row, object?[]? values)
    {
        const string prefix = "UNIQUE constraint failed: ";
        var columns = new List<string>();
        if (sqliteMessage.StartsWith(prefix, StringComparison.Ordinal))
        {
            foreach (var part in sqliteMessage[prefix.Length..].Split(", "))
            {
                int dot = part.LastIndexOf('.');
                columns.Add(dot >= 0 ? part[(dot + 1)..] : part);
            }
        }
        var index = table.Indexes.FirstOrDefault(i => (i.Primary || i.Unique) && i.Columns.Count == columns.Count
            && i.Columns.Zip(columns).All(p => p.First.Equals(p.Second, StringComparison.OrdinalIgnoreCase)));
        string keyName = index?.Name ?? "PRIMARY";
        var parts = new List<string>();
        foreach (var c in columns)
        {
            string text = "";
            if (row is { } known && values is not null)
            {
                for (int j = 0; j < known.Params.Count; j++)
                {
                    if (known.Params[j].Target is { } t && t.Name.Equals(c, StringComparison.OrdinalIgnoreCase) && values[j] is { } v)
                    {
                        text = v is byte[] b ? System.Text.Encoding.UTF8.GetString(b) : ValueCoercion.ToText(v);
                        break;
                    }
                }
            }
            parts.Add(text);
        }
        return MySqlErrors.DuplicateEntry(string.Join("-", parts), table.Name + "." + keyName);
    }

    async ValueTask RunWriteAsync(SqlPlan plan, object?[] literals, IReadOnlyList<object?>? parameters, bool more, IResultSink sink, CancellationToken cancellationToken)
    {
        BeginIfNeeded();
        await AcquireWriteAsync(cancellationToken, plan.Table);
        var stmt = GetStatement(plan.Sql);
        long matched;
        try
        {
            BindAll(stmt, plan.Params, literals, parameters);
            _state.ResetTracking();
            _state.Strict = Strict && !plan.Sql.StartsWith("UPDATE OR IGNORE", StringComparison.Ordinal);
            _state.Row = 1;
            int rc;
            while ((rc = raw.sqlite3_step(stmt)) == raw.SQLITE_ROW)
            {
            }
            if (rc != raw.SQLITE_DONE)
            {
                int extended = raw.sqlite3_extended_errcode(_db);
                if (extended is SqliteConstraintUnique or SqliteConstraintPrimaryKey && _state.PendingError is null)
                {
                    // The assigned literals and placeholders stand in for the row's new key values.
                    var sources = new List<ParamSource>();
                    var values = new List<object?>();
                    foreach (var (column, index) in plan.AssignedParams)
                    {
                        var target = plan.Table!.FindColumn(column);
                        sources.Add(plan.Params[index] with { Target = target });
                        var raw0 = ResolveParam(plan.Params[index], literals, parameters);
                        values.Add(target is null ? raw0 : ValueCoercion.Coerce(target, raw0, 1, strict: false, null));
                    }
                    throw DuplicateEntry(plan.Table!, raw.sqlite3_errmsg(_db).utf8_to_string() ?? "", new InsertRow("", sources, null, -1, false), [.. values]);
                }
                throw SqliteRowSource.Error(rc, _db, _state);
            }
            matched = raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(stmt);
        }
        OkResult result;
        if (plan.Kind == PlanKind.Update)
        {
            long changed = _state.ChangedRows;
            result = new OkResult(Info.FoundRows ? (ulong)matched : (ulong)changed, (ulong)(_state.LastInsertIdOverride ?? 0), $"Rows matched: {matched}  Changed: {changed}  Warnings: {_state.Warnings.Count}");
            _rowCount = changed;
        }
        else
        {
            result = new OkResult((ulong)matched);
            _rowCount = matched;
        }
        await WriteOkAsync(result, more, sink, cancellationToken);
    }
}
