using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Borealis.Sql.Catalog;
using Borealis.Sql.Errors;
using Borealis.Sql.Execution;
using Borealis.Sql.Results;
using Borealis.Sql.Syntax;
using SQLitePCL;

namespace Borealis.Sql;

internal sealed partial class SqlSession
{
    static readonly string[] s_tableStatusColumns = ["Name", "Engine", "Version", "Row_format", "Rows", "Avg_row_length", "Data_length",
        "Max_data_length", "Index_length", "Data_free", "Auto_increment", "Create_time", "Update_time", "Check_time", "Collation", "Checksum",
        "Create_options", "Comment"];

    /// <summary>Columns of SHOW TABLE STATUS and SHOW INDEX that MySQL types as integers (drivers read them as numbers).</summary>
    static readonly HashSet<string> s_numericShowColumns = ["Version", "Rows", "Avg_row_length", "Data_length", "Max_data_length", "Index_length",
        "Data_free", "Auto_increment", "Checksum", "Non_unique", "Seq_in_index", "Cardinality", "Sub_part"];

    static readonly string[] s_indexColumns = ["Table", "Non_unique", "Key_name", "Seq_in_index", "Column_name", "Collation", "Cardinality",
        "Sub_part", "Packed", "Null", "Index_type", "Comment", "Index_comment", "Visible", "Expression"];

    async ValueTask ShowAsync(Statement.Show show, CatalogSnapshot catalog, bool more, IResultSink sink, CancellationToken cancellationToken)
    {
        ColumnDefinition[] columns;
        var rows = new List<object?[]>();
        switch (show.What)
        {
            case "databases":
                {
                    columns = [ResultColumns.Text("Database")];
                    rows.Add(["information_schema"]);
                    foreach (var s in catalog.Schemas.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
                        rows.Add([s.Name]);
                    break;
                }
            case "tables" when (show.Schema ?? CurrentDatabase) is string isName && isName.Equals("information_schema", StringComparison.OrdinalIgnoreCase):
                columns = show.Full
                    ? [ResultColumns.Text("Tables_in_information_schema"), ResultColumns.Text("Table_type")]
                    : [ResultColumns.Text("Tables_in_information_schema")];
                foreach (var name in CatalogStore.InformationSchemaTables.Order(StringComparer.Ordinal))
                    rows.Add(show.Full ? [name, "SYSTEM VIEW"] : [name]);
                break;
            case "tables":
                {
                    string schemaName = show.Schema ?? CurrentDatabase ?? throw MySqlErrors.NoDatabaseSelected();
                    var schema = catalog.FindSchema(schemaName) ?? throw MySqlErrors.UnknownDatabase(schemaName);
                    columns = show.Full
                        ? [ResultColumns.Text("Tables_in_" + schema.Name), ResultColumns.Text("Table_type")]
                        : [ResultColumns.Text("Tables_in_" + schema.Name)];
                    foreach (var t in schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
                        rows.Add(show.Full ? [t.Name, t.IsView ? "VIEW" : "BASE TABLE"] : [t.Name]);
                    break;
                }
            case "table status":
                {
                    string schemaName = show.Schema ?? CurrentDatabase ?? throw MySqlErrors.NoDatabaseSelected();
                    var schema = catalog.FindSchema(schemaName) ?? throw MySqlErrors.UnknownDatabase(schemaName);
                    columns = [.. s_tableStatusColumns.Select(n => s_numericShowColumns.Contains(n) ? ResultColumns.Integer(n) : ResultColumns.Text(n))];
                    foreach (var t in schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
                    {
                        rows.Add([t.Name, t.Engine, 10L, "Dynamic", 0L, 0L, 16384L, 0L, 0L, 0L, NextAutoIncrement(t), t.CreateTime, null, null, t.Collation, null, "", t.Comment]);
                    }
                    break;
                }
            case "columns":
                {
                    var table = ResolveShowTable(show.Table!, catalog);
                    if (table.IsView)
                        table = ViewColumns(table, catalog);
                    columns = show.Full
                        ? [ResultColumns.Text("Field"), ResultColumns.Text("Type"), ResultColumns.Text("Collation"), ResultColumns.Text("Null"), ResultColumns.Text("Key"),
                        ResultColumns.Text("Default"), ResultColumns.Text("Extra"), ResultColumns.Text("Privileges"), ResultColumns.Text("Comment")]
                        : [ResultColumns.Text("Field"), ResultColumns.Text("Type"), ResultColumns.Text("Null"), ResultColumns.Text("Key"), ResultColumns.Text("Default"), ResultColumns.Text("Extra")];
                    foreach (var c in table.Columns)
                    {
                        string key = KeyOf(table, c);
                        string? def = c.DefaultNow ? CatalogStore.CurrentTimestampSql(c) : c.Default;
                        rows.Add(show.Full
                            ? [c.Name, c.ColumnType, c.IsString ? c.Collation : null, c.NotNull ? "NO" : "YES", key, def, CatalogStore.Extra(c), "select,insert,update,references", c.Comment]
                            : [c.Name, c.ColumnType, c.NotNull ? "NO" : "YES", key, def, CatalogStore.Extra(c)]);
                    }
                    if (show.Like is not null)
                    {
                        var regex = LikeRegex(show.Like);
                        rows = rows.Where(r => regex.IsMatch((string)r[0]!)).ToList();
                    }
                    break;
                }
            case "index":
                {
                    var table = ResolveShowTable(show.Table!, catalog);
                    columns = [.. s_indexColumns.Select(n => s_numericShowColumns.Contains(n) ? ResultColumns.Integer(n) : ResultColumns.Text(n))];
                    foreach (var index in table.Indexes)
                    {
                        long seq = 1;
                        foreach (var col in index.Columns)
                        {
                            var c = table.FindColumn(col);
                            rows.Add([table.Name, index.Unique || index.Primary ? 0L : 1L, index.Name, seq++, c?.Name ?? col, "A", 0L, null, null,
                            c is { NotNull: false } ? "YES" : "", "BTREE", "", "", "YES", null]);
                        }
                    }
                    break;
                }
            case "create table":
                {
                    var table = ResolveShowTable(show.Table!, catalog);
                    if (table.IsView)
                    {
                        columns = [ResultColumns.Text("View"), ResultColumns.Text("Create View", 1024), ResultColumns.Text("character_set_client"),
                            ResultColumns.Text("collation_connection")];
                        // The column list and CHECK OPTION as given, so that mysqldump restores the same view.
                        string viewColumns = table.ViewColumns is { } names ? " (" + string.Join(",", names.Select(n => "`" + n.Replace("`", "``") + "`")) + ")" : "";
                        string checkOption = table.ViewCheckOption is "LOCAL" or "CASCADED" ? $" WITH {table.ViewCheckOption} CHECK OPTION" : "";
                        rows.Add([table.Name, $"CREATE ALGORITHM=UNDEFINED DEFINER=`{Info.User}`@`%` SQL SECURITY DEFINER VIEW `{table.Name}`{viewColumns} AS {table.ViewText}{checkOption}",
                            "utf8mb4", "utf8mb4_0900_ai_ci"]);
                        break;
                    }
                    columns = [ResultColumns.Text("Table"), ResultColumns.Text("Create Table", 1024)];
                    rows.Add([table.Name, ShowCreateTable(table)]);
                    break;
                }
            case "create database":
                {
                    var schema = catalog.FindSchema(show.Schema!) ?? throw MySqlErrors.UnknownDatabase(show.Schema!);
                    columns = [ResultColumns.Text("Database"), ResultColumns.Text("Create Database", 1024)];
                    rows.Add([schema.Name, $"CREATE DATABASE {(show.IfNotExists ? "/*!32312 IF NOT EXISTS*/ " : "")}`{schema.Name}` /*!40100 DEFAULT CHARACTER SET {schema.Charset} COLLATE {schema.Collation} */ /*!80016 DEFAULT ENCRYPTION='N' */"]);
                    break;
                }
            case "variables":
                {
                    columns = [ResultColumns.Text("Variable_name"), ResultColumns.Text("Value", 1024)];
                    var names = SystemVariables.Defaults.Select(kv => kv.Key).Concat(_server.GlobalVariables.Keys).Concat(_sessionVariables.Keys)
                        .Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(n => n, StringComparer.Ordinal);
                    foreach (var name in names)
                    {
                        var value = GetSystemVariable(name, show.Global);
                        // Boolean variables read as 1/0 in @@name and as ON/OFF in SHOW VARIABLES.
                        if (SystemVariables.IsBoolean(name) && value is long flag)
                            value = flag != 0 ? "ON" : "OFF";
                        rows.Add([name, value is null ? "" : value is ulong u ? u.ToString(CultureInfo.InvariantCulture) : ValueCoercion.ToText(value)]);
                    }
                    break;
                }
            case "status":
                {
                    columns = [ResultColumns.Text("Variable_name"), ResultColumns.Text("Value", 1024)];
                    long uptime = (long)(DateTime.UtcNow - _server.StartTime).TotalSeconds;
                    int sessions = _server.Sessions.Count();
                    rows.Add(["Aborted_clients", "0"]);
                    rows.Add(["Aborted_connects", "0"]);
                    rows.Add(["Connections", sessions.ToString(CultureInfo.InvariantCulture)]);
                    rows.Add(["Queries", Interlocked.Read(ref _server.Questions).ToString(CultureInfo.InvariantCulture)]);
                    rows.Add(["Questions", Interlocked.Read(ref _server.Questions).ToString(CultureInfo.InvariantCulture)]);
                    rows.Add(["Ssl_cipher", ""]);
                    rows.Add(["Threads_connected", sessions.ToString(CultureInfo.InvariantCulture)]);
                    rows.Add(["Threads_running", "1"]);
                    rows.Add(["Uptime", uptime.ToString(CultureInfo.InvariantCulture)]);
                    break;
                }
            case "warnings" or "errors":
                {
                    columns = [ResultColumns.Text("Level", 7), ResultColumns.Integer("Code"), ResultColumns.Text("Message", 512)];
                    foreach (var w in _state.Warnings)
                    {
                        if (show.What == "errors" && w.Level != "Error")
                            continue;
                        rows.Add([w.Level, (long)w.Code, w.Message]);
                    }
                    break;
                }
            case "processlist":
                {
                    columns = [ResultColumns.Integer("Id"), ResultColumns.Text("User", 32), ResultColumns.Text("Host", 261), ResultColumns.Text("db"),
                    ResultColumns.Text("Command", 16), ResultColumns.Integer("Time"), ResultColumns.Text("State", 64), ResultColumns.Text("Info", 1024)];
                    foreach (var s in _server.Sessions.OrderBy(s => s.Info.ConnectionId))
                    {
                        string? statement = s.CurrentStatement;
                        rows.Add([(long)s.Info.ConnectionId, s.Info.User, s.Info.Host, s.CurrentDatabase, statement is null ? "Sleep" : "Query", 0L,
                        statement is null ? "" : "executing", show.Full || statement is null ? statement : statement[..Math.Min(100, statement.Length)]]);
                    }
                    break;
                }
            case "engines":
                columns = [ResultColumns.Text("Engine"), ResultColumns.Text("Support"), ResultColumns.Text("Comment", 80), ResultColumns.Text("Transactions"),
                    ResultColumns.Text("XA"), ResultColumns.Text("Savepoints")];
                rows.Add(["InnoDB", "DEFAULT", "Borealis storage (SQLite on the Borealis volume)", "YES", "NO", "YES"]);
                break;
            case "charset":
                columns = [ResultColumns.Text("Charset"), ResultColumns.Text("Description"), ResultColumns.Text("Default collation"), ResultColumns.Integer("Maxlen")];
                rows.Add(["ascii", "US ASCII", "ascii_general_ci", 1L]);
                rows.Add(["binary", "Binary pseudo charset", "binary", 1L]);
                rows.Add(["latin1", "cp1252 West European", "latin1_swedish_ci", 1L]);
                rows.Add(["utf8mb3", "UTF-8 Unicode", "utf8mb3_general_ci", 3L]);
                rows.Add(["utf8mb4", "UTF-8 Unicode", "utf8mb4_0900_ai_ci", 4L]);
                break;
            case "collation":
                columns = [ResultColumns.Text("Collation"), ResultColumns.Text("Charset"), ResultColumns.Integer("Id"), ResultColumns.Text("Default"),
                    ResultColumns.Text("Compiled"), ResultColumns.Integer("Sortlen"), ResultColumns.Text("Pad_attribute")];
                rows.Add(["utf8mb4_0900_ai_ci", "utf8mb4", 255L, "Yes", "Yes", 0L, "NO PAD"]);
                rows.Add(["utf8mb4_general_ci", "utf8mb4", 45L, "", "Yes", 1L, "PAD SPACE"]);
                rows.Add(["utf8mb4_bin", "utf8mb4", 46L, "", "Yes", 1L, "PAD SPACE"]);
                rows.Add(["binary", "binary", 63L, "Yes", "Yes", 1L, "NO PAD"]);
                break;
            case "grants":
                columns = [ResultColumns.Text($"Grants for {Info.User}@%", 256)];
                rows.Add([$"GRANT ALL PRIVILEGES ON *.* TO `{Info.User}`@`%` WITH GRANT OPTION"]);
                break;
            // No triggers, events or routines exist (CREATE of them is 1235): their SHOWs are empty, with MySQL's columns.
            case "triggers":
                columns = [.. s_triggerColumns.Select(n => ResultColumns.Text(n))];
                break;
            case "events":
                columns = [.. s_eventColumns.Select(n => ResultColumns.Text(n))];
                break;
            case "routines":
                columns = [.. s_routineColumns.Select(n => ResultColumns.Text(n))];
                break;
            case "plugins":
                columns = [ResultColumns.Text("Name"), ResultColumns.Text("Status"), ResultColumns.Text("Type"), ResultColumns.Text("Library"), ResultColumns.Text("License")];
                rows.Add(["InnoDB", "ACTIVE", "STORAGE ENGINE", null, "GPL"]);
                rows.Add(["mysql_native_password", "ACTIVE", "AUTHENTICATION", null, "GPL"]);
                rows.Add(["caching_sha2_password", "ACTIVE", "AUTHENTICATION", null, "GPL"]);
                break;
            case "open tables":
                {
                    // No table cache to speak of: every table of the schema (or of all schemas) counts as open, none in use.
                    columns = [ResultColumns.Text("Database"), ResultColumns.Text("Table"), ResultColumns.Integer("In_use"), ResultColumns.Integer("Name_locked")];
                    foreach (var schema in catalog.Schemas.Values.Where(x => show.Schema is null || x.Name.Equals(show.Schema, StringComparison.OrdinalIgnoreCase)).OrderBy(x => x.Name, StringComparer.Ordinal))
                    {
                        foreach (var table in schema.Tables.Values.Where(t => !t.IsView).OrderBy(t => t.Name, StringComparer.Ordinal))
                            rows.Add([schema.Name, table.Name, 0L, 0L]);
                    }
                    break;
                }
            default:
                columns = [ResultColumns.Text("Name")];
                break;
        }
        if (show.Like is not null && show.What != "columns")
        {
            var regex = LikeRegex(show.Like);
            int named = show.What == "open tables" ? 1 : 0; // SHOW OPEN TABLES LIKE matches the table, not the schema
            rows = rows.Where(r => r[named] is string s && regex.IsMatch(s)).ToList();
            // SHOW DATABASES / TABLES LIKE 'p' name the column "Database (p)" / "Tables_in_db (p)", as MySQL does.
            if (show.What is "databases" or "tables")
                columns[0] = ResultColumns.Text($"{columns[0].Name} ({show.Like})");
        }
        if (show.Where is not null)
            rows = FilterRows(columns, rows, show.Where, catalog);
        _rowCount = -1;
        await _connection.WaitForDurableAsync(cancellationToken);
        await sink.WriteResultSetAsync(columns, new ListRowSource(rows), more, cancellationToken);
    }

    /// <summary>
    /// ANALYZE / OPTIMIZE / CHECK / REPAIR TABLE: MySQL's result set, a row per table. CHECK runs SQLite's quick_check
    /// of the table and its indexes; ANALYZE has no statistics to refresh; OPTIMIZE and REPAIR answer as InnoDB does.
    /// </summary>
    async ValueTask TableMaintenanceAsync(Statement.TableMaintenance s, CatalogSnapshot catalog, bool more, IResultSink sink, CancellationToken cancellationToken)
    {
        ColumnDefinition[] columns = [ResultColumns.Text("Table", 64), ResultColumns.Text("Op", 10), ResultColumns.Text("Msg_type", 10), ResultColumns.Text("Msg_text", 255)];
        var rows = new List<object?[]>();
        foreach (var name in s.Tables)
        {
            string schema = name.Schema ?? CurrentDatabase ?? throw MySqlErrors.NoDatabaseSelected();
            string qualified = schema + "." + name.Name;
            var table = catalog.FindTable(schema, name.Name);
            if (table is null || table.IsView)
            {
                rows.Add([qualified, s.Op, "Error", table is null ? $"Table '{qualified}' doesn't exist" : $"'{qualified}' is not BASE TABLE"]);
                rows.Add([qualified, s.Op, "status", "Operation failed"]);
                continue;
            }
            switch (s.Op)
            {
                case "check":
                    {
                        var problems = SqliteUtil.Query(_db, $"PRAGMA main.quick_check({SqliteUtil.Quote(table.SqliteName)})")
                            .Select(r => r[0] as string).Where(m => m != "ok").ToList();
                        foreach (var problem in problems)
                            rows.Add([qualified, s.Op, "error", problem]);
                        rows.Add([qualified, s.Op, "status", problems.Count == 0 ? "OK" : "Corrupt"]);
                        break;
                    }
                case "optimize":
                    rows.Add([qualified, s.Op, "note", "Table does not support optimize, doing recreate + analyze instead"]);
                    rows.Add([qualified, s.Op, "status", "OK"]);
                    break;
                case "repair":
                    rows.Add([qualified, s.Op, "note", "The storage engine for the table doesn't support repair"]);
                    break;
                default:
                    rows.Add([qualified, s.Op, "status", "OK"]);
                    break;
            }
        }
        _rowCount = -1;
        await _connection.WaitForDurableAsync(cancellationToken);
        await sink.WriteResultSetAsync(columns, new ListRowSource(rows), more, cancellationToken);
    }

    static readonly string[] s_triggerColumns = ["Trigger", "Event", "Table", "Statement", "Timing", "Created", "sql_mode", "Definer",
        "character_set_client", "collation_connection", "Database Collation"];

    static readonly string[] s_eventColumns = ["Db", "Name", "Definer", "Time zone", "Type", "Execute at", "Interval value", "Interval field",
        "Starts", "Ends", "Status", "Originator", "character_set_client", "collation_connection", "Database Collation"];

    static readonly string[] s_routineColumns = ["Db", "Name", "Type", "Definer", "Modified", "Created", "Security_type", "Comment",
        "character_set_client", "collation_connection", "Database Collation"];

    static readonly string[] s_explainColumns = ["id", "select_type", "table", "partitions", "type", "possible_keys", "key", "key_len", "ref",
        "rows", "filtered", "Extra"];

    /// <summary>EXPLAIN: one MySQL-style row per step of SQLite's query plan (type ALL for scans, ref/range/const for searches).</summary>
    async ValueTask ExplainAsync(Statement.Explain explain, CatalogSnapshot catalog, bool more, IResultSink sink, CancellationToken cancellationToken)
    {
        var translator = NewTranslator(catalog);
        var plan = explain.Inner switch
        {
            Statement.SelectStatement s => translator.TranslateSelect(s.Query),
            Statement.Insert i => translator.TranslateInsert(i, Strict, Info.User, ClientHost),
            Statement.Update u => translator.TranslateUpdate(u, Info.User, ClientHost),
            Statement.Delete d => translator.TranslateDelete(d, Info.User, ClientHost),
            _ => throw MySqlErrors.NotSupportedYet("EXPLAIN of this statement"),
        };
        string sql = plan.Kind == PlanKind.Insert ? plan.Rows[0].Sql : plan.Sql;
        var indexNames = catalog.Schemas.Values.SelectMany(s => s.Tables.Values).SelectMany(t => t.Indexes)
            .Where(i => i.SqliteName.Length > 0).GroupBy(i => i.SqliteName).ToDictionary(g => g.Key, g => g.First().Name, StringComparer.OrdinalIgnoreCase);
        var rows = new List<object?[]>();
        using (var stmt = SqliteUtil.Prepare(_db, "EXPLAIN QUERY PLAN " + sql))
        {
            while (raw.sqlite3_step(stmt) == raw.SQLITE_ROW)
            {
                string detail = raw.sqlite3_column_text(stmt, 3).utf8_to_string() ?? "";
                var words = detail.Split(' ');
                string? table = words.Length > 1 && words[0] is "SCAN" or "SEARCH" ? words[1] : null;
                string type = words[0] == "SCAN" ? (detail.Contains("COVERING INDEX", StringComparison.Ordinal) ? "index" : "ALL")
                    : detail.Contains('<', StringComparison.Ordinal) || detail.Contains('>', StringComparison.Ordinal) ? "range"
                    : detail.Contains("PRIMARY KEY", StringComparison.Ordinal) ? "const" : words[0] == "SEARCH" ? "ref" : "";
                string? key = null;
                int at = detail.IndexOf("INDEX ", StringComparison.Ordinal);
                if (detail.Contains("PRIMARY KEY", StringComparison.Ordinal))
                    key = "PRIMARY";
                else if (at >= 0)
                {
                    string sqliteIndex = detail[(at + 6)..].Split(' ')[0];
                    key = indexNames.GetValueOrDefault(sqliteIndex, sqliteIndex);
                }
                rows.Add([1L, "SIMPLE", table, null, type, key, key, null, null, null, 100.0, detail]);
            }
        }
        var columns = s_explainColumns.Select(n => n is "id" or "rows" ? ResultColumns.Integer(n) : ResultColumns.Text(n)).ToArray();
        await _connection.WaitForDurableAsync(cancellationToken);
        await sink.WriteResultSetAsync(columns, new ListRowSource(rows), more, cancellationToken);
    }

    TableInfo ResolveShowTable(TableName name, CatalogSnapshot catalog)
    {
        string schema = SchemaOf(name);
        if (_temporary.TryGetValue(Translator.TemporaryKey(schema, name.Name), out var temporary))
            return temporary;
        if (catalog.FindSchema(schema) is null && !schema.Equals("information_schema", StringComparison.OrdinalIgnoreCase))
            throw MySqlErrors.UnknownDatabase(schema);
        return catalog.FindTable(schema, name.Name) ?? throw MySqlErrors.NoSuchTable(schema, name.Name);
    }

    /// <summary>A view's columns, described from the base columns SQLite reports as their origin.</summary>
    TableInfo ViewColumns(TableInfo view, CatalogSnapshot catalog)
    {
        var result = new TableInfo { Schema = view.Schema, Name = view.Name, ViewText = view.ViewText };
        using var stmt = SqliteUtil.Prepare(_db, "SELECT * FROM main." + SqliteUtil.Quote(view.SqliteName));
        int n = raw.sqlite3_column_count(stmt);
        for (int i = 0; i < n; i++)
        {
            string name = raw.sqlite3_column_name(stmt, i).utf8_to_string() ?? "";
            string? table = raw.sqlite3_column_table_name(stmt, i).utf8_to_string();
            string? origin = raw.sqlite3_column_origin_name(stmt, i).utf8_to_string();
            ColumnInfo? source = null;
            if (table is not null && origin is not null && table.IndexOf('/', StringComparison.Ordinal) is int slash && slash > 0)
                source = catalog.FindTable(table[..slash], table[(slash + 1)..])?.FindColumn(origin);
            var column = source?.Clone() ?? new ColumnInfo { DataType = "varchar", Length = 255, HasDefault = true };
            column.Name = name;
            column.AutoIncrement = false;
            result.Columns.Add(column);
        }
        return result;
    }

    static string KeyOf(TableInfo table, ColumnInfo c) =>
        table.Indexes.Any(i => i.Primary && i.Columns.Contains(c.Name, StringComparer.OrdinalIgnoreCase)) ? "PRI"
        : table.Indexes.Any(i => i.Unique && i.Columns.Count == 1 && i.Columns[0].Equals(c.Name, StringComparison.OrdinalIgnoreCase)) ? "UNI"
        : table.Indexes.Any(i => i.Columns.Count > 0 && i.Columns[0].Equals(c.Name, StringComparison.OrdinalIgnoreCase)) ? "MUL" : "";

    object? NextAutoIncrement(TableInfo table)
    {
        var ai = table.AutoIncrementColumn;
        if (ai is null)
            return null;
        var rows = table.RowidAutoIncrement
            ? SqliteUtil.Query(_db, "SELECT seq + 1 FROM main.sqlite_sequence WHERE name = ?", table.SqliteName)
            : SqliteUtil.Query(_db, $"SELECT COALESCE(MAX({SqliteUtil.Quote(ai.Name)}), 0) + 1 FROM {table.SqliteQualified}");
        object? next = rows.Count > 0 ? rows[0][0] : 1L;
        return table.RowidAutoIncrement && next is long known ? PastGivenIds(table.SqliteName, known) : next;
    }

    /// <summary>A table's next AUTO_INCREMENT id as shown: past every id given out, spent ones included (<see cref="AutoIncrementIds"/>).</summary>
    long PastGivenIds(string sqliteName, long next) =>
        TracksAutoIncrementIds && _server.AutoIncrementIds.TryGetGiven(sqliteName, out long given) ? Math.Max(next, given + 1) : next;

    /// <summary>Registers <c>__bx_auto_increment(table, next)</c>, information_schema.TABLES' AUTO_INCREMENT (<see cref="PastGivenIds"/>).</summary>
    void RegisterAutoIncrementFunction() =>
        raw.sqlite3_create_function(_db, "__bx_auto_increment", 2, 0, _state, (ctx, userData, args) =>
        {
            if (raw.sqlite3_value_type(args[1]) == raw.SQLITE_NULL)
                raw.sqlite3_result_null(ctx);
            else
                raw.sqlite3_result_int64(ctx, PastGivenIds(raw.sqlite3_value_text(args[0]).utf8_to_string() ?? "", raw.sqlite3_value_int64(args[1])));
        });

    string ShowCreateTable(TableInfo table)
    {
        var sb = new StringBuilder();
        sb.Append("CREATE TABLE `").Append(table.Name).Append("` (\n");
        var lines = new List<string>();
        foreach (var c in table.Columns)
        {
            var line = new StringBuilder();
            line.Append("  `").Append(c.Name).Append("` ").Append(c.ColumnType);
            if (c.IsString && (c.Charset != table.Charset || c.Collation != table.Collation))
                line.Append(" CHARACTER SET ").Append(c.Charset).Append(" COLLATE ").Append(c.Collation);
            if (c.IsGenerated)
                line.Append(" GENERATED ALWAYS AS (").Append(c.Generation).Append(c.GenerationStored ? ") STORED" : ") VIRTUAL");
            if (c.NotNull)
                line.Append(" NOT NULL");
            if (c.DefaultNow)
                line.Append(" DEFAULT ").Append(CatalogStore.CurrentTimestampSql(c));
            else if (c.HasDefault)
                line.Append(" DEFAULT ").Append(c.Default is null ? "NULL" : "'" + c.Default.Replace("'", "''", StringComparison.Ordinal) + "'");
            if (c.OnUpdateNow)
                line.Append(" ON UPDATE ").Append(CatalogStore.CurrentTimestampSql(c));
            if (c.AutoIncrement)
                line.Append(" AUTO_INCREMENT");
            if (c.Comment.Length > 0)
                line.Append(" COMMENT '").Append(c.Comment.Replace("'", "''", StringComparison.Ordinal)).Append('\'');
            lines.Add(line.ToString());
        }
        foreach (var index in table.Indexes)
        {
            string cols = string.Join(",", index.Columns.Select(c => "`" + c + "`"));
            lines.Add(index.Primary ? $"  PRIMARY KEY ({cols})" : index.Unique ? $"  UNIQUE KEY `{index.Name}` ({cols})" : $"  KEY `{index.Name}` ({cols})");
        }
        foreach (var fk in table.ForeignKeys)
            lines.Add("  " + fk.Describe(table.Schema));
        foreach (var check in table.Checks)
            lines.Add($"  CONSTRAINT `{check.Name}` CHECK ({check.Text}){(check.Enforced ? "" : " /*!80016 NOT ENFORCED */")}");
        sb.Append(string.Join(",\n", lines)).Append("\n) ENGINE=").Append(table.Engine);
        if (table.AutoIncrementColumn is not null && NextAutoIncrement(table) is long next && next > 1)
            sb.Append(" AUTO_INCREMENT=").Append(next);
        sb.Append(" DEFAULT CHARSET=").Append(table.Charset).Append(" COLLATE=").Append(table.Collation);
        if (table.Comment.Length > 0)
            sb.Append(" COMMENT='").Append(table.Comment.Replace("'", "''", StringComparison.Ordinal)).Append('\'');
        return sb.ToString();
    }

    /// <summary>SHOW … LIKE: case-insensitive, backslash escapes.</summary>
    static Regex LikeRegex(string pattern) => SqlFunctions.LikeRegex(pattern, '\\', RegexOptions.IgnoreCase);

    /// <summary>SHOW ... WHERE expr: filters the rows through SQLite, with the SHOW columns as names.</summary>
    List<object?[]> FilterRows(ColumnDefinition[] columns, List<object?[]> rows, Expr where, CatalogSnapshot catalog)
    {
        if (rows.Count == 0)
            return rows;
        var result = new List<object?[]>();
        var select = new Query.Select { Items = [new SelectItem(where, "v", "v")] };
        var plan = NewTranslator(catalog).TranslateSelect(select);
        // Wrap: SELECT (expr) FROM (SELECT ? AS "c1", ? AS "c2", ...)
        string inner = "SELECT " + string.Join(", ", columns.Select(c => "? AS " + SqliteUtil.Quote(c.Name)));
        string sql = plan.Sql.Replace(" AS \"v\"", "", StringComparison.Ordinal) + " FROM (" + inner + ")";
        var stmt = SqliteUtil.Prepare(_db, sql);
        try
        {
            foreach (var row in rows)
            {
                raw.sqlite3_reset(stmt);
                int k = 1;
                foreach (var p in plan.Params)
                    SqliteUtil.Bind(stmt, k++, ResolveParam(p, [], null));
                foreach (var v in row)
                    SqliteUtil.Bind(stmt, k++, v);
                int rc = raw.sqlite3_step(stmt);
                SqliteRowSource.ThrowIfError(rc, _db, _state);
                if (rc == raw.SQLITE_ROW && raw.sqlite3_column_int64(stmt, 0) != 0)
                    result.Add(row);
            }
        }
        finally
        {
            stmt.Dispose();
        }
        return result;
    }
}
