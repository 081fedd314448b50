using System.Globalization;
using Borealis.Sql.Catalog;
using Borealis.Sql.Errors;
using Borealis.Sql.Execution;
using Borealis.Sql.Results;
using Borealis.Sql.Syntax;
using SQLitePCL;

namespace Borealis.Sql;

internal sealed partial class SqlSession
{
    /// <summary>
    /// Runs a DDL statement as MySQL does: implicit commit of the open transaction, then the change to SQLite and to
    /// the catalog tables in one transaction with the catalog version bumped, then the new catalog installed.
    /// </summary>
    async ValueTask DdlAsync(Statement statement, bool more, IResultSink sink, CancellationToken cancellationToken)
    {
        // Temporary tables are the session's own: no implicit commit, no catalog change, allowed on a read-only instance.
        if (statement is Statement.CreateTable { Temporary: true } createTemporary)
        {
            CreateTemporaryTable(createTemporary);
            await WriteOkAsync(new OkResult(), more, sink, cancellationToken);
            return;
        }
        if (statement is Statement.DropTable { Views: false } drop && _temporary.Count > 0)
        {
            var remaining = new List<TableName>();
            foreach (var name in drop.Names)
            {
                string key = Translator.TemporaryKey(SchemaOf(name), name.Name);
                if (_temporary.Remove(key, out var table))
                    SqliteUtil.Exec(_db, "DROP TABLE IF EXISTS " + table.SqliteQualified);
                else
                    remaining.Add(name);
            }
            if (remaining.Count == 0)
            {
                await WriteOkAsync(new OkResult(), more, sink, cancellationToken);
                return;
            }
            statement = drop with { Names = remaining };
        }
        if (_server.Options.ReadOnly)
            throw MySqlErrors.ReadOnly();
        if (_connection.InTransaction)
            await CommitAsync(cancellationToken);
        await AcquireWriteAsync(cancellationToken);
        SqliteUtil.Exec(_db, "BEGIN");
        ulong affected = 0;
        bool changed;
        try
        {
            var catalog = CurrentCatalog(force: true);
            (affected, changed) = statement switch
            {
                Statement.CreateDatabase s => CreateDatabase(s, catalog),
                Statement.DropDatabase s => DropDatabase(s, catalog),
                Statement.CreateTable s => CreateTable(s, catalog),
                Statement.DropTable s => DropTables(s, catalog),
                Statement.CreateView s => CreateView(s, catalog),
                Statement.CreateIndex s => AlterTable(new Statement.AlterTable(s.Table, [new AlterAction.AddIndex(s.Index)]), catalog),
                Statement.DropIndex s => AlterTable(new Statement.AlterTable(s.Table, [new AlterAction.DropIndex(s.Name)]), catalog),
                Statement.AlterTable s => AlterTable(s, catalog),
                Statement.RenameTable s => RenameTables(s, catalog),
                Statement.Truncate s => Truncate(s, catalog),
                _ => throw MySqlErrors.NotSupportedYet(statement.GetType().Name),
            };
            if (changed)
            {
                ForeignKeyTriggers.Sync(_db);
                CatalogStore.BumpVersion(_db);
            }
            SqliteUtil.Exec(_db, "COMMIT");
        }
        catch
        {
            if (_connection.InTransaction)
                raw.sqlite3_exec(_db, "ROLLBACK");
            throw;
        }
        finally
        {
            _connection.EndStatement();
        }
        if (changed)
        {
            ClearStatements();
            _server.ReloadCatalog(_db);
        }
        _server.AutoIncrementIds.Forget();
        _rowCount = 0;
        await WriteOkAsync(new OkResult(affected), more, sink, cancellationToken);
    }

    string SchemaOf(TableName name) => name.Schema ?? CurrentDatabase ?? throw MySqlErrors.NoDatabaseSelected();

    void CreateTemporaryTable(Statement.CreateTable s)
    {
        var catalog = CurrentCatalog();
        string schemaName = SchemaOf(s.Name);
        var schema = catalog.FindSchema(schemaName) ?? throw MySqlErrors.UnknownDatabase(schemaName);
        string key = Translator.TemporaryKey(schema.Name, s.Name.Name);
        if (_temporary.ContainsKey(key))
        {
            if (s.IfNotExists)
                return;
            throw MySqlErrors.TableExists(s.Name.Name);
        }
        if (s.Source is not null || s.Like is not null)
            throw MySqlErrors.NotSupportedYet("CREATE TEMPORARY TABLE ... LIKE/SELECT");
        if (s.ForeignKeys.Count > 0)
            throw MySqlErrors.NotSupportedYet("FOREIGN KEY on a temporary table");
        var table = BuildTable(schema, s);
        table.Temporary = true;
        foreach (var c in table.Columns)
        {
            c.TableName = table.SqliteName;
            _server.Registry.Register(c);
        }
        var ddl = CatalogStore.SqliteDdl(table);
        SqliteUtil.Exec(_db, "CREATE TEMP TABLE " + ddl[0]["CREATE TABLE ".Length..]);
        foreach (var index in ddl.Skip(1))
            SqliteUtil.Exec(_db, index.Replace(" INDEX \"", " INDEX temp.\"", StringComparison.Ordinal));
        _temporary[key] = table;
    }

    void DropTemporaryTables()
    {
        foreach (var table in _temporary.Values)
            raw.sqlite3_exec(_db, "DROP TABLE IF EXISTS " + table.SqliteQualified);
        _temporary.Clear();
    }

    (ulong, bool) CreateDatabase(Statement.CreateDatabase s, CatalogSnapshot catalog)
    {
        if (s.Name.Equals("information_schema", StringComparison.OrdinalIgnoreCase) || catalog.FindSchema(s.Name) is not null)
        {
            if (s.IfNotExists)
            {
                _state.Warnings.Add(new SqlWarning("Note", (int)MySqlErrorCode.DbCreateExists, $"Can't create database '{s.Name}'; database exists"));
                return (0, false);
            }
            throw MySqlErrors.DatabaseExists(s.Name);
        }
        if (s.Name.Length == 0 || s.Name.Length > 64 || s.Name.Contains('/', StringComparison.Ordinal) || s.Name.EndsWith(' '))
            throw MySqlErrors.IncorrectDatabaseName(s.Name);
        string charset = s.Charset ?? "utf8mb4";
        string collation = s.Collation ?? (charset == "utf8mb4" ? "utf8mb4_0900_ai_ci" : charset + "_general_ci");
        SqliteUtil.Exec(_db, "INSERT INTO __bx_schemata VALUES (?, ?, ?)", s.Name, charset, collation);
        return (1, true);
    }

    (ulong, bool) DropDatabase(Statement.DropDatabase s, CatalogSnapshot catalog)
    {
        var schema = catalog.FindSchema(s.Name);
        if (schema is null)
        {
            if (s.IfExists)
            {
                _state.Warnings.Add(new SqlWarning("Note", (int)MySqlErrorCode.DbDropExists, $"Can't drop database '{s.Name}'; database doesn't exist"));
                return (0, false);
            }
            throw MySqlErrors.DatabaseDoesNotExistOnDrop(s.Name);
        }
        CheckNotReferenced(schema.Tables.Values.Where(t => !t.IsView).ToList(), catalog);
        ulong count = 0;
        foreach (var table in schema.Tables.Values)
        {
            DropSqliteTable(table);
            count++;
        }
        SqliteUtil.Exec(_db, "DELETE FROM __bx_schemata WHERE name = ?", schema.Name);
        if (string.Equals(CurrentDatabase, schema.Name, StringComparison.OrdinalIgnoreCase))
            CurrentDatabase = null;
        return (count, true);
    }

    (ulong, bool) CreateView(Statement.CreateView s, CatalogSnapshot catalog)
    {
        string schemaName = SchemaOf(s.Name);
        var schema = catalog.FindSchema(schemaName) ?? throw MySqlErrors.UnknownDatabase(schemaName);
        if (schema.Tables.TryGetValue(s.Name.Name, out var existing))
        {
            if (!existing.IsView)
                throw MySqlErrors.WrongObject(schema.Name, existing.Name, "VIEW");
            if (!s.OrReplace)
                throw MySqlErrors.TableExists(s.Name.Name);
            DropSqliteTable(existing);
        }
        var translator = NewTranslator(catalog);
        string sql = translator.TranslateView(s.Query);
        var view = new TableInfo
        {
            Schema = schema.Name,
            Name = s.Name.Name,
            ViewText = s.Text,
            ViewCheckOption = s.CheckOption,
            ViewColumns = s.Columns?.ToList(),
            ViewUpdatable = translator.ViewNotUpdatableReason(s.Query, schema.Name, s.Columns) is null,
            CreateTime = DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        };
        string columns = s.Columns is null ? "" : "(" + string.Join(", ", s.Columns.Select(SqliteUtil.Quote)) + ")";
        SqliteUtil.Exec(_db, $"CREATE VIEW main.{SqliteUtil.Quote(view.SqliteName)}{columns} AS {sql}");
        CatalogStore.SaveTable(_db, view);
        return (0, true);
    }

    /// <summary>
    /// Gives an AUTO_INCREMENT table its row in SQLite's sqlite_sequence now, followed by two filler rows, so that every
    /// table's counter sits on a page of its own: inserts into different tables on different writers (multi-master)
    /// never conflict on the counters' page. Two fillers of more than half a page each can never share a page, so
    /// the two counters around them never can either. SQLite looks rows up by name; a filler (a blob name, no seq) is
    /// never one.
    /// </summary>
    void ReserveSequenceRow(TableInfo table, long seq)
    {
        SqliteUtil.Exec(_db, "INSERT INTO main.sqlite_sequence (name, seq) VALUES (?, ?)", table.SqliteName, seq);
        for (int i = 0; i < 2; i++)
            SqliteUtil.Exec(_db, "INSERT INTO main.sqlite_sequence (name, seq) VALUES (zeroblob(" + SequenceFillerBytes + "), NULL)");
    }

    /// <summary>More than half of a 4 KiB page's 4,088 usable bytes.</summary>
    const int SequenceFillerBytes = 2100;

    void DropSqliteTable(TableInfo table)
    {
        SqliteUtil.Exec(_db, (table.IsView ? "DROP VIEW IF EXISTS main." : "DROP TABLE IF EXISTS main.") + SqliteUtil.Quote(table.SqliteName));
        SqliteUtil.Exec(_db, "DELETE FROM main.sqlite_sequence WHERE name = ?", table.SqliteName);
        CatalogStore.DeleteTable(_db, table.Schema, table.Name);
    }

    (ulong, bool) CreateTable(Statement.CreateTable s, CatalogSnapshot catalog)
    {
        if (s.Temporary)
            throw MySqlErrors.NotSupportedYet("CREATE TEMPORARY TABLE");
        string schemaName = SchemaOf(s.Name);
        var schema = catalog.FindSchema(schemaName) ?? throw MySqlErrors.UnknownDatabase(schemaName);
        if (schema.Tables.ContainsKey(s.Name.Name))
        {
            if (s.IfNotExists)
            {
                _state.Warnings.Add(new SqlWarning("Note", (int)MySqlErrorCode.TableExists, $"Table '{s.Name.Name}' already exists"));
                return (0, false);
            }
            throw MySqlErrors.TableExists(s.Name.Name);
        }
        if (s.Name.Name.Length == 0 || s.Name.Name.Length > 64 || s.Name.Name.Contains('/', StringComparison.Ordinal))
            throw MySqlErrors.IncorrectTableName(s.Name.Name);
        TableInfo table;
        if (s.Source is not null)
            return CreateTableFromQuery(schema, s, catalog);
        if (s.Like is not null)
        {
            var source = catalog.FindTable(SchemaOf(s.Like), s.Like.Name) ?? throw MySqlErrors.NoSuchTable(SchemaOf(s.Like), s.Like.Name);
            table = source.Clone();
            table.Schema = schema.Name;
            table.Name = s.Name.Name;
            // As in MySQL, LIKE copies indexes and CHECK constraints but not FOREIGN KEYs.
            table.ForeignKeys.Clear();
        }
        else
        {
            table = BuildTable(schema, s);
            int n = 0;
            var translator = NewTranslator(catalog);
            foreach (var spec in s.Columns.Where(c => c.Generated is not null))
            {
                var column = table.FindColumn(spec.Name)!;
                column.GenerationSql = translator.TranslateGenerated(table, column, spec.Generated!);
            }
            foreach (var spec in s.Checks)
            {
                var check = new CheckInfo { Name = spec.Name ?? $"{table.Name}_chk_{++n}", Text = spec.Text, Enforced = spec.Enforced };
                if (table.Checks.Any(c => c.Name.Equals(check.Name, StringComparison.OrdinalIgnoreCase)))
                    throw MySqlErrors.DuplicateCheckConstraint(check.Name);
                check.Sql = translator.TranslateCheck(table, check, spec.Value);
                table.Checks.Add(check);
            }
            foreach (var spec in s.ForeignKeys)
                AddForeignKey(table, spec, catalog);
        }
        table.CreateTime = DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        foreach (var sql in CatalogStore.SqliteDdl(table))
            SqliteUtil.Exec(_db, sql);
        if (table.RowidAutoIncrement)
        {
            long first = s.Options.TryGetValue("AUTO_INCREMENT", out var start) && long.TryParse(start, out long next) && next > 1 ? next : 1;
            ReserveSequenceRow(table, first - 1);
        }
        CatalogStore.SaveTable(_db, table);
        return (0, true);
    }

    /// <summary>CREATE TABLE t AS SELECT: column types from the query's result metadata, then the rows.</summary>
    (ulong, bool) CreateTableFromQuery(SchemaInfo schema, Statement.CreateTable s, CatalogSnapshot catalog)
    {
        var translator = NewTranslator(catalog);
        string select = translator.TranslateView(s.Source!);
        var hints = NewTranslator(catalog).TranslateSelect(s.Source!);
        var table = new TableInfo
        {
            Schema = schema.Name,
            Name = s.Name.Name,
            Charset = schema.Charset,
            Collation = schema.Collation,
            CreateTime = DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        };
        using (var stmt = SqliteUtil.Prepare(_db, select))
        {
            var columns = BuildColumns(stmt, hints, hasRow: false, out _);
            int n = raw.sqlite3_column_count(stmt);
            for (int i = 0; i < n; i++)
            {
                string name = columns[i].Name;
                if (table.FindColumn(name) is not null)
                    throw MySqlErrors.DuplicateColumn(name);
                string? origin = raw.sqlite3_column_origin_name(stmt, i).utf8_to_string();
                string? source = raw.sqlite3_column_table_name(stmt, i).utf8_to_string();
                ColumnInfo? from = null;
                if (source is not null && origin is not null && source.IndexOf('/', StringComparison.Ordinal) is int slash && slash > 0)
                    from = catalog.FindTable(source[..slash], source[(slash + 1)..])?.FindColumn(origin);
                var column = from?.Clone() ?? ColumnFromDefinition(columns[i]);
                column.Name = name;
                column.AutoIncrement = false;
                // NOT NULL as the result says it, not as the source column: an outer join's inner side and a UNION's
                // column may be NULL, and a provably NOT NULL expression (x + 1, COUNT(*)) is NOT NULL, without a
                // default, as MySQL creates them.
                bool notNull = columns[i].Flags.HasFlag(ColumnFlags.NotNull);
                if (column.NotNull && !notNull)
                {
                    column.NotNull = false;
                    if (!column.HasDefault)
                        (column.HasDefault, column.Default) = (true, null);
                }
                else if (notNull && !column.NotNull && from is null)
                {
                    column.NotNull = true;
                    column.HasDefault = false;
                }
                table.Columns.Add(column);
            }
        }
        if (table.Columns.Count == 0)
            throw MySqlErrors.TableMustHaveColumns();
        foreach (var sql in CatalogStore.SqliteDdl(table))
            SqliteUtil.Exec(_db, sql);
        foreach (var c in table.Columns)
            _server.Registry.Register(c);
        string targets = string.Join(", ", table.Columns.Select(c => SqliteUtil.Quote(c.Name)));
        string values = string.Join(", ", table.Columns.Select((c, i) => $"__bx_coerce(c{i + 1}, {c.Id}, __bx_row)"));
        string names = string.Join(", ", table.Columns.Select((_, i) => "c" + (i + 1)));
        _state.Strict = Strict;
        SqliteUtil.Exec(_db, $"WITH __bx_src({names}) AS ({select}) INSERT INTO main.{SqliteUtil.Quote(table.SqliteName)} ({targets}) SELECT {values} FROM (SELECT *, row_number() OVER () AS __bx_row FROM __bx_src) WHERE true");
        if (_state.PendingError is { } pending)
        {
            _state.PendingError = null;
            throw pending;
        }
        ulong rows = (ulong)raw.sqlite3_changes(_db);
        CatalogStore.SaveTable(_db, table);
        return (rows, true);
    }

    /// <summary>A column type for a computed result column (CREATE TABLE ... SELECT).</summary>
    static ColumnInfo ColumnFromDefinition(ColumnDefinition d) => d.Type switch
    {
        MySqlColumnType.Tiny or MySqlColumnType.Short or MySqlColumnType.Int24 or MySqlColumnType.Long or MySqlColumnType.LongLong =>
            new ColumnInfo { DataType = "bigint", HasDefault = true },
        MySqlColumnType.NewDecimal or MySqlColumnType.Decimal =>
            new ColumnInfo { DataType = "decimal", Length = (int)Math.Clamp(d.Length, 1, 65), Scale = Math.Min((int)d.Decimals, 30), HasDefault = true },
        MySqlColumnType.Float or MySqlColumnType.Double => new ColumnInfo { DataType = "double", HasDefault = true },
        MySqlColumnType.Date => new ColumnInfo { DataType = "date", HasDefault = true },
        MySqlColumnType.DateTime or MySqlColumnType.Timestamp => new ColumnInfo { DataType = "datetime", HasDefault = true },
        MySqlColumnType.Time => new ColumnInfo { DataType = "time", HasDefault = true },
        MySqlColumnType.Json => new ColumnInfo { DataType = "json" },
        MySqlColumnType.Blob when (d.Flags & ColumnFlags.Binary) != 0 => new ColumnInfo { DataType = "longblob" },
        _ when d.Length / 4 is > 0 and <= 16383 && d.Length != uint.MaxValue =>
            new ColumnInfo { DataType = "varchar", Length = (int)(d.Length / 4), HasDefault = true, Charset = "utf8mb4", Collation = "utf8mb4_0900_ai_ci" },
        _ => new ColumnInfo { DataType = "longtext", Charset = "utf8mb4", Collation = "utf8mb4_0900_ai_ci" },
    };

    internal static TableInfo BuildTable(SchemaInfo schema, Statement.CreateTable s)
    {
        if (s.Columns.Count == 0)
            throw MySqlErrors.TableMustHaveColumns();
        var table = new TableInfo { Schema = schema.Name, Name = s.Name.Name, Charset = schema.Charset, Collation = schema.Collation };
        ApplyOptions(table, s.Options);
        foreach (var spec in s.Columns)
        {
            if (table.FindColumn(spec.Name) is not null)
                throw MySqlErrors.DuplicateColumn(spec.Name);
            table.Columns.Add(BuildColumn(spec, table));
        }
        foreach (var spec in s.Columns)
        {
            if (spec.PrimaryKey)
                AddIndex(table, new IndexSpec("PRIMARY", "PRIMARY", [spec.Name]));
            if (spec.Unique)
                AddIndex(table, new IndexSpec(null, "UNIQUE", [spec.Name]));
        }
        foreach (var index in s.Indexes)
            AddIndex(table, index);
        CheckAutoIncrement(table);
        return table;
    }

    static void ApplyOptions(TableInfo table, IReadOnlyDictionary<string, string> options)
    {
        foreach (var (key, value) in options)
        {
            switch (key)
            {
                case "ENGINE":
                    table.Engine = value.Equals("innodb", StringComparison.OrdinalIgnoreCase) ? "InnoDB"
                        : value.Equals("myisam", StringComparison.OrdinalIgnoreCase) ? "InnoDB" : value;
                    break;
                case "CHARSET":
                    table.Charset = value.ToLowerInvariant() is "utf8" ? "utf8mb3" : value.ToLowerInvariant();
                    if (!options.ContainsKey("COLLATE"))
                        table.Collation = table.Charset == "utf8mb4" ? "utf8mb4_0900_ai_ci" : table.Charset + "_general_ci";
                    break;
                case "COLLATE":
                    table.Collation = value.ToLowerInvariant();
                    break;
                case "COMMENT":
                    table.Comment = value;
                    break;
            }
        }
    }

    static void CheckAutoIncrement(TableInfo table)
    {
        var ai = table.Columns.Where(c => c.AutoIncrement).ToList();
        if (ai.Count > 1)
            throw MySqlErrors.WrongAutoKey();
        if (ai.Count == 1 && !table.Indexes.Any(i => i.Columns.Count > 0 && i.Columns[0].Equals(ai[0].Name, StringComparison.OrdinalIgnoreCase)))
            throw MySqlErrors.WrongAutoKey();
    }

    static ColumnInfo BuildColumn(ColumnSpec spec, TableInfo table)
    {
        var t = spec.Type;
        var c = new ColumnInfo
        {
            Name = spec.Name,
            DataType = t.Name,
            Length = t.Length,
            Scale = t.Scale,
            Unsigned = t.Unsigned,
            ZeroFill = t.ZeroFill,
            Values = [.. t.Values],
            NotNull = spec.NotNull || spec.PrimaryKey,
            AutoIncrement = spec.AutoIncrement,
            Comment = spec.Comment ?? "",
            OnUpdateNow = spec.OnUpdateNow,
            Generation = spec.GeneratedText,
            GenerationStored = spec.GeneratedStored,
        };
        if (spec.Generated is not null)
        {
            if (spec.Default is not null || spec.AutoIncrement || spec.OnUpdateNow)
                throw MySqlErrors.WrongUsage("DEFAULT", "generated column");
            if (spec.PrimaryKey)
                throw MySqlErrors.NotSupportedYet("a generated column in the PRIMARY KEY");
            if (t.Name == "decimal" && (t.Length ?? 10) > 15)
                throw MySqlErrors.NotSupportedYet("a generated DECIMAL column of more than 15 digits");
        }
        if (c.DataType is "decimal")
        {
            int p = c.Length ?? 10, sc = c.Scale ?? 0;
            if (p > 65)
                throw MySqlErrors.TooBigPrecision(p, c.Name);
            if (sc > 30)
                throw MySqlErrors.TooBigScale(sc, c.Name);
            if (sc > p)
                throw MySqlErrors.ScaleBiggerThanPrecision(c.Name);
        }
        if (c.DataType is "varchar" && c.Length > 16383)
            throw MySqlErrors.ColumnLengthTooBig(c.Name, 16383);
        if (c.DataType is "varbinary" && c.Length > 65535)
            throw MySqlErrors.ColumnLengthTooBig(c.Name, 65535);
        if (c.DataType is "char" or "binary" && c.Length > 255)
            throw MySqlErrors.ColumnLengthTooBig(c.Name, 255);
        if (c.DataType is "text" or "blob" && c.Length is int hint)
        {
            c.DataType = hint <= 255 ? (c.DataType == "text" ? "tinytext" : "tinyblob") : hint <= 65535 ? c.DataType
                : hint <= 16777215 ? "medium" + c.DataType : "long" + c.DataType;
            c.Length = null;
        }
        if (c.IsTemporal && c.DataType != "date" && c.Length > 6)
            throw MySqlErrors.TooBigFractionalPrecision(c.Length ?? 0, c.Name);
        if (c.IsString)
        {
            c.Charset = t.Charset?.ToLowerInvariant() ?? table.Charset;
            c.Collation = t.Collation?.ToLowerInvariant() ?? (t.Charset is null ? table.Collation : c.Charset == "utf8mb4" ? "utf8mb4_0900_ai_ci" : c.Charset + "_general_ci");
        }
        if (c.AutoIncrement && !(c.IsInteger || c.DataType is "float" or "double"))
            throw MySqlErrors.WrongColumnSpecifier(c.Name);
        ApplyDefault(c, spec.Default);
        if (c.IsGenerated)
        {
            // Computed, so no default (not even MySQL's implicit DEFAULT NULL).
            c.HasDefault = false;
            c.Default = null;
        }
        return c;
    }

    static void AddIndex(TableInfo table, IndexSpec spec)
    {
        foreach (var col in spec.Columns)
        {
            if (table.FindColumn(col) is null)
                throw MySqlErrors.KeyColumnDoesNotExist(col);
        }
        if (spec.Kind == "PRIMARY")
        {
            if (table.Indexes.Any(i => i.Primary))
                throw MySqlErrors.MultiplePrimaryKey();
            foreach (var col in spec.Columns)
                table.FindColumn(col)!.NotNull = true;
            foreach (var col in spec.Columns)
            {
                var c = table.FindColumn(col)!;
                if (c.HasDefault && c.Default is null)
                    c.HasDefault = false;
            }
            table.Indexes.Insert(0, new IndexInfo { Name = "PRIMARY", Primary = true, Unique = true, Columns = spec.Columns.Select(c => table.FindColumn(c)!.Name).ToList() });
            return;
        }
        string name = spec.Name ?? spec.Columns[0];
        if (spec.Name is null)
        {
            int n = 2;
            while (table.Indexes.Any(i => i.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
                name = spec.Columns[0] + "_" + n++;
        }
        else if (name.Equals("PRIMARY", StringComparison.OrdinalIgnoreCase))
        {
            throw MySqlErrors.IncorrectIndexName(name);
        }
        if (table.Indexes.Any(i => i.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
            throw MySqlErrors.DuplicateKeyName(name);
        table.Indexes.Add(new IndexInfo { Name = name, Unique = spec.Kind == "UNIQUE", Columns = spec.Columns.Select(c => table.FindColumn(c)!.Name).ToList() });
    }

    (ulong, bool) DropTables(Statement.DropTable s, CatalogSnapshot catalog)
    {
        var found = new List<TableInfo>();
        var missing = new List<string>();
        foreach (var name in s.Names)
        {
            string schema = SchemaOf(name);
            var table = catalog.FindTable(schema, name.Name);
            if (table is not null && table.IsView != s.Views)
            {
                if (s.Views)
                    throw MySqlErrors.WrongObject(schema, name.Name, "VIEW");
                table = null;
            }
            if (table is null)
                missing.Add(schema + "." + name.Name);
            else if (!found.Contains(table))
                found.Add(table);
        }
        if (missing.Count > 0)
        {
            if (!s.IfExists)
                throw MySqlErrors.UnknownTable(string.Join(",", missing));
            foreach (var m in missing)
                _state.Warnings.Add(new SqlWarning("Note", (int)MySqlErrorCode.BadTableError, $"Unknown table '{m}'"));
        }
        CheckNotReferenced(found.Where(t => !t.IsView).ToList(), catalog);
        foreach (var table in found)
            DropSqliteTable(table);
        return (0, found.Count > 0);
    }

    (ulong, bool) Truncate(Statement.Truncate s, CatalogSnapshot catalog)
    {
        var table = catalog.FindTable(SchemaOf(s.Table), s.Table.Name) ?? throw MySqlErrors.NoSuchTable(SchemaOf(s.Table), s.Table.Name);
        if (table.IsView)
            throw MySqlErrors.NoSuchTable(table.Schema, table.Name);
        // MySQL refuses to truncate a parent of another table's FOREIGN KEY (1701) and never cascades a truncation.
        if (_state.ForeignKeyChecks && catalog.ReferencesTo(table.Schema, table.Name).FirstOrDefault(r => r.Child != table) is ({ } child, { } fk))
            throw MySqlErrors.TruncateReferencedTable(fk.Describe(child, qualifyParent: true));
        bool checks = _state.ForeignKeyChecks;
        _state.ForeignKeyChecks = false;
        try
        {
            SqliteUtil.Exec(_db, "DELETE FROM main." + SqliteUtil.Quote(table.SqliteName));
        }
        finally
        {
            _state.ForeignKeyChecks = checks;
        }
        // The counter starts again; its row keeps its place (its page of its own, see ReserveSequenceRow).
        SqliteUtil.Exec(_db, "UPDATE main.sqlite_sequence SET seq = 0 WHERE name = ?", table.SqliteName);
        return (0, false);
    }

    (ulong, bool) RenameTables(Statement.RenameTable s, CatalogSnapshot catalog)
    {
        foreach (var (from, to) in s.Pairs)
        {
            var current = _server.Catalog;
            var table = catalog.FindTable(SchemaOf(from), from.Name) ?? throw MySqlErrors.NoSuchTable(SchemaOf(from), from.Name);
            if (table.IsView)
                throw MySqlErrors.NotSupportedYet("RENAME TABLE of a view");
            RenameTable(table, SchemaOf(to), to.Name);
            _ = current;
        }
        return (0, true);
    }

    void RenameTable(TableInfo table, string schemaName, string newName)
    {
        var catalog = CatalogStore.Load(_db, _server.Registry);
        var schema = catalog.FindSchema(schemaName) ?? throw MySqlErrors.UnknownDatabase(schemaName);
        if (schema.Tables.ContainsKey(newName))
            throw MySqlErrors.TableExists(newName);
        string oldSqlite = table.SqliteName;
        var renamed = table.Clone();
        renamed.Schema = schema.Name;
        renamed.Name = newName;
        // A self-reference follows the rename; other tables' FOREIGN KEYs are rewritten below (as InnoDB does).
        foreach (var fk in renamed.ForeignKeys.Where(f => f.References(table.Schema, table.Name)))
        {
            fk.ParentSchema = renamed.Schema;
            fk.ParentTable = renamed.Name;
        }
        SqliteUtil.Exec(_db, $"ALTER TABLE main.{SqliteUtil.Quote(oldSqlite)} RENAME TO {SqliteUtil.Quote(renamed.SqliteName)}");
        CatalogStore.DeleteTable(_db, table.Schema, table.Name);
        CatalogStore.SaveTable(_db, renamed);
        UpdateReferencingForeignKeys(table.Schema, table.Name, renamed.Schema, renamed.Name, []);
    }

    (ulong, bool) AlterTable(Statement.AlterTable s, CatalogSnapshot catalog)
    {
        string schemaName = SchemaOf(s.Table);
        if (_temporary.ContainsKey(Translator.TemporaryKey(schemaName, s.Table.Name)))
            throw MySqlErrors.NotSupportedYet("ALTER TABLE of a temporary table");
        var original = catalog.FindTable(schemaName, s.Table.Name) ?? throw MySqlErrors.NoSuchTable(schemaName, s.Table.Name);
        if (original.IsView)
            throw MySqlErrors.WrongObject(schemaName, original.Name, "BASE TABLE");
        var table = original.Clone();
        bool rebuild = false;
        var addedIndexes = new List<IndexInfo>();
        var droppedIndexes = new List<IndexInfo>();
        var newColumns = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var droppedColumns = new List<string>();
        var droppedIndexNames = new List<string>();
        var addedForeignKeys = new List<ForeignKeyInfo>();
        TableName? renameTo = null;
        // Whether MySQL would copy the rows (ALGORITHM=COPY) and so report them as affected.
        bool copies = false;
        long? nextAutoIncrement = null;
        foreach (var action in s.Actions)
        {
            switch (action)
            {
                case AlterAction.AddColumn add:
                    {
                        if (table.FindColumn(add.Column.Name) is not null)
                            throw MySqlErrors.DuplicateColumn(add.Column.Name);
                        var c = BuildColumn(add.Column, table);
                        int position = table.Columns.Count;
                        if (add.First)
                            position = 0;
                        else if (add.After is not null)
                            position = table.IndexOfColumn(add.After) is int i && i >= 0 ? i + 1 : throw MySqlErrors.UnknownColumn(add.After, "field list");
                        table.Columns.Insert(position, c);
                        if (add.Column.Generated is not null)
                            c.GenerationSql = NewTranslator(catalog).TranslateGenerated(table, c, add.Column.Generated);
                        copies |= c.IsGenerated && c.GenerationStored;
                        newColumns[c.Name] = null;
                        if (add.Column.PrimaryKey)
                            AddIndex(table, new IndexSpec("PRIMARY", "PRIMARY", [c.Name]));
                        if (add.Column.Unique)
                            AddIndex(table, new IndexSpec(null, "UNIQUE", [c.Name]));
                        rebuild = true;
                        break;
                    }
                case AlterAction.DropColumn drop:
                    {
                        int i = table.IndexOfColumn(drop.Name);
                        if (i < 0)
                            throw MySqlErrors.CantDropFieldOrKey(drop.Name);
                        if (table.Columns.Count == 1)
                            throw MySqlErrors.CantDropAllColumns();
                        droppedColumns.Add(table.Columns[i].Name);
                        table.Columns.RemoveAt(i);
                        foreach (var index in table.Indexes)
                            index.Columns.RemoveAll(c => c.Equals(drop.Name, StringComparison.OrdinalIgnoreCase));
                        table.Indexes.RemoveAll(x => x.Columns.Count == 0);
                        rebuild = true;
                        break;
                    }
                case AlterAction.ModifyColumn modify:
                    {
                        int i = table.IndexOfColumn(modify.OldName);
                        if (i < 0)
                            throw MySqlErrors.UnknownColumn(modify.OldName, table.Name);
                        var c = BuildColumn(modify.Column, table);
                        var old = table.Columns[i];
                        // MySQL 8.0: a plain column may become STORED and a STORED one plain (its values kept); a
                        // VIRTUAL one stays VIRTUAL. The rebuild computes generated columns and copies the others.
                        if (c.IsGenerated ? (old.IsGenerated ? c.GenerationStored != old.GenerationStored : !c.GenerationStored)
                                          : old.IsGenerated && !old.GenerationStored)
                            throw MySqlErrors.GeneratedStoredStatusChange();
                        string oldName = old.Name;
                        copies |= (c.IsGenerated && c.GenerationStored) || (old.IsGenerated && old.GenerationStored && !c.IsGenerated) || TypeChanges(old, c);
                        table.Columns[i] = c;
                        if (modify.First || modify.After is not null)
                        {
                            table.Columns.RemoveAt(i);
                            int position = modify.First ? 0
                                : table.IndexOfColumn(modify.After!) is int after && after >= 0 ? after + 1 : throw MySqlErrors.UnknownColumn(modify.After!, table.Name);
                            table.Columns.Insert(position, c);
                        }
                        if (modify.Column.Generated is not null)
                            c.GenerationSql = NewTranslator(catalog).TranslateGenerated(table, c, modify.Column.Generated);
                        RenameInIndexes(table, oldName, c.Name);
                        if (table.Indexes.Any(x => x.Primary && x.Columns.Contains(c.Name, StringComparer.OrdinalIgnoreCase)))
                            c.NotNull = true;
                        newColumns[c.Name] = oldName;
                        rebuild = true;
                        break;
                    }
                case AlterAction.RenameColumn rename:
                    {
                        int i = table.IndexOfColumn(rename.OldName);
                        if (i < 0)
                            throw MySqlErrors.UnknownColumn(rename.OldName, table.Name);
                        if (!rename.NewName.Equals(rename.OldName, StringComparison.OrdinalIgnoreCase) && table.FindColumn(rename.NewName) is not null)
                            throw MySqlErrors.DuplicateColumn(rename.NewName);
                        var c = table.Columns[i].Clone();
                        string oldName = c.Name;
                        c.Name = rename.NewName;
                        c.Id = 0;
                        table.Columns[i] = c;
                        RenameInIndexes(table, oldName, c.Name);
                        newColumns[c.Name] = oldName;
                        rebuild = true;
                        break;
                    }
                case AlterAction.RenameIndex rename:
                    {
                        if (rename.OldName.Equals("PRIMARY", StringComparison.OrdinalIgnoreCase) || rename.NewName.Equals("PRIMARY", StringComparison.OrdinalIgnoreCase))
                            throw MySqlErrors.IncorrectIndexName("PRIMARY");
                        var index = table.Indexes.FirstOrDefault(x => !x.Primary && x.Name.Equals(rename.OldName, StringComparison.OrdinalIgnoreCase))
                            ?? throw MySqlErrors.KeyDoesNotExist(rename.OldName, table.Name);
                        if (!rename.NewName.Equals(rename.OldName, StringComparison.OrdinalIgnoreCase) && table.Indexes.Any(x => x.Name.Equals(rename.NewName, StringComparison.OrdinalIgnoreCase)))
                            throw MySqlErrors.DuplicateKeyName(rename.NewName);
                        // The catalog's name only: the SQLite index keeps its own (unique) name.
                        index.Name = rename.NewName;
                        break;
                    }
                case AlterAction.AlterDefault alter:
                    {
                        int i = table.IndexOfColumn(alter.Column);
                        if (i < 0)
                            throw MySqlErrors.UnknownColumn(alter.Column, table.Name);
                        var c = table.Columns[i].Clone();
                        if (c.IsGenerated)
                            throw MySqlErrors.WrongUsage("DEFAULT", "generated column");
                        if (alter.Default is null)
                        {
                            // DROP DEFAULT: no default at all, so an INSERT must name a NOT NULL column.
                            c.HasDefault = false;
                            c.Default = null;
                            c.DefaultNow = false;
                        }
                        else
                        {
                            ApplyDefault(c, alter.Default);
                        }
                        c.Id = 0;
                        table.Columns[i] = c;
                        newColumns[c.Name] = c.Name;
                        rebuild = true;
                        break;
                    }
                case AlterAction.AddIndex add:
                    {
                        AddIndex(table, add.Index);
                        var added = add.Index.Kind == "PRIMARY" ? table.Indexes[0] : table.Indexes[^1];
                        if (added.Primary)
                            rebuild = true;
                        else
                            addedIndexes.Add(added);
                        foreach (var implicitIndex in table.Indexes.Where(i => i.ForForeignKey && i != added && StartsWith(added.Columns, i.Columns)).ToList())
                        {
                            table.Indexes.Remove(implicitIndex);
                            if (!addedIndexes.Remove(implicitIndex))
                                droppedIndexes.Add(implicitIndex);
                        }
                        break;
                    }
                case AlterAction.DropIndex drop:
                    {
                        var index = table.Indexes.FirstOrDefault(i => i.Name.Equals(drop.Name, StringComparison.OrdinalIgnoreCase))
                            ?? throw MySqlErrors.CantDropFieldOrKey(drop.Name);
                        table.Indexes.Remove(index);
                        droppedIndexNames.Add(index.Name);
                        if (index.Primary)
                        {
                            rebuild = true;
                            copies = !s.Actions.Any(a => a is AlterAction.AddIndex { Index.Kind: "PRIMARY" });
                        }
                        else if (!addedIndexes.Remove(index))
                            droppedIndexes.Add(index);
                        break;
                    }
                case AlterAction.AddForeignKey add:
                    {
                        int indexes = table.Indexes.Count;
                        AddForeignKey(table, add.ForeignKey, catalog);
                        addedForeignKeys.Add(table.ForeignKeys[^1]);
                        if (table.Indexes.Count > indexes)
                            addedIndexes.Add(table.Indexes[^1]);
                        break;
                    }
                case AlterAction.DropForeignKey drop:
                    {
                        var fk = table.ForeignKeys.FirstOrDefault(f => f.Name.Equals(drop.Name, StringComparison.OrdinalIgnoreCase));
                        if (fk is null)
                        {
                            if (drop.AnyConstraint && table.Checks.Any(c => c.Name.Equals(drop.Name, StringComparison.OrdinalIgnoreCase)))
                                throw MySqlErrors.NotSupportedYet("ALTER TABLE DROP CHECK");
                            throw drop.AnyConstraint ? MySqlErrors.ConstraintNotFound(drop.Name) : MySqlErrors.CantDropFieldOrKey(drop.Name);
                        }
                        table.ForeignKeys.Remove(fk);
                        addedForeignKeys.Remove(fk);
                        break;
                    }
                case AlterAction.RenameTo rename:
                    renameTo = rename.Name;
                    break;
                case AlterAction.Options options:
                    ApplyOptions(table, options.Values);
                    if (options.Values.TryGetValue("AUTO_INCREMENT", out var value))
                        nextAutoIncrement = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : throw MySqlErrors.Syntax(value, 1);
                    break;
            }
        }
        CheckAutoIncrement(table);
        CheckGeneratedDependencies(table, newColumns, droppedColumns);
        CheckAlteredForeignKeys(original, table, newColumns, droppedColumns, droppedIndexNames, catalog);
        long copied = 0;
        if (rebuild)
        {
            copied = RebuildTable(original, table, newColumns);
        }
        else
        {
            foreach (var index in droppedIndexes)
                SqliteUtil.Exec(_db, "DROP INDEX IF EXISTS main." + SqliteUtil.Quote(index.SqliteName));
            foreach (var index in addedIndexes)
            {
                try
                {
                    SqliteUtil.Exec(_db, CatalogStore.IndexDdl(table.SqliteName, index));
                }
                catch (MySqlErrorException) when (raw.sqlite3_extended_errcode(_db) is SqliteConstraintUnique)
                {
                    throw MySqlErrors.DuplicateEntry("", table.Name + "." + index.Name);
                }
            }
        }
        foreach (var fk in addedForeignKeys)
            CheckExistingRows(table, fk, catalog);
        if (nextAutoIncrement is long next && table.RowidAutoIncrement)
        {
            // AUTO_INCREMENT = n: the next id is n, or past the largest id in the table, as InnoDB sets it.
            if (SqliteUtil.Query(_db, "SELECT 1 FROM main.sqlite_sequence WHERE name = ?", table.SqliteName).Count == 0)
                ReserveSequenceRow(table, 0);
            SqliteUtil.Exec(_db, "UPDATE main.sqlite_sequence SET seq = max(?, COALESCE((SELECT max(rowid) FROM main." + SqliteUtil.Quote(table.SqliteName) + "), 0)) WHERE name = ?",
                Math.Max(next - 1, 0), table.SqliteName);
        }
        CatalogStore.SaveTable(_db, table);
        if (newColumns.Any(c => c.Value is not null && !c.Value.Equals(c.Key, StringComparison.Ordinal)))
            UpdateReferencingForeignKeys(table.Schema, table.Name, table.Schema, table.Name, newColumns);
        if (renameTo is not null)
            RenameTable(table, renameTo.Schema ?? table.Schema, renameTo.Name);
        // Where MySQL uses its COPY algorithm (a column's type changes, STORED generated values are computed or kept, the
        // primary key is dropped without a new one) the ALTER reports the rows copied; instant and in-place ones none.
        return (copies ? (ulong)copied : 0, true);
    }

    /// <summary>
    /// An error of a row an ALTER copies, as MySQL 8.0 words it there: a value too long for its new column is 1265
    /// (data truncated, same column and row), a NULL for a column made NOT NULL 1138; others as raised.
    /// </summary>
    static MySqlErrorException InAlterCopy(MySqlErrorException error) => error.Code switch
    {
        MySqlErrorCode.DataTooLong when error.Value is var (column, row) => MySqlErrors.DataTruncated(column, row),
        MySqlErrorCode.BadNullError => MySqlErrors.InvalidUseOfNull(),
        _ => error,
    };

    static void RenameInIndexes(TableInfo table, string oldName, string newName)
    {
        foreach (var index in table.Indexes)
        {
            for (int k = 0; k < index.Columns.Count; k++)
            {
                if (index.Columns[k].Equals(oldName, StringComparison.OrdinalIgnoreCase))
                    index.Columns[k] = newName;
            }
        }
    }

    /// <summary>A MODIFY that MySQL does with its COPY algorithm: another type, sign, scale or precision, or a shorter length.</summary>
    static bool TypeChanges(ColumnInfo old, ColumnInfo c) =>
        old.DataType != c.DataType || old.Unsigned != c.Unsigned || old.Scale != c.Scale
        || (c.DataType == "decimal" ? old.Length != c.Length : c.Length < old.Length);

    /// <summary>A column's DEFAULT (null: none written, so MySQL's implicit one), checked against its type.</summary>
    static void ApplyDefault(ColumnInfo c, Expr? value)
    {
        c.DefaultNow = false;
        var defaultExpr = value is Expr.Unary { Op: "-", Operand: Expr.Literal { Value: not null } negated }
            ? negated with { Value = Negate(negated.Value) } : value;
        switch (defaultExpr)
        {
            case null:
                // MySQL's implicit DEFAULT NULL for nullable columns (BLOB, TEXT and JSON columns have none).
                c.HasDefault = !c.NotNull && !c.AutoIncrement
                    && c.DataType is not ("tinyblob" or "blob" or "mediumblob" or "longblob" or "text" or "tinytext" or "mediumtext" or "longtext" or "json");
                c.Default = null;
                break;
            case Expr.Literal { Value: null }:
                if (c.NotNull)
                    throw MySqlErrors.InvalidDefault(c.Name);
                c.HasDefault = true;
                c.Default = null;
                break;
            case Expr.Literal or Expr.Function { TypedLiteral: true }:
                {
                    var lit = defaultExpr as Expr.Literal ?? (Expr.Literal)((Expr.Function)defaultExpr).Args[0];
                    object? stored;
                    try
                    {
                        stored = ValueCoercion.Coerce(c, lit.Value, 1, strict: true, null);
                    }
                    catch (MySqlErrorException)
                    {
                        throw MySqlErrors.InvalidDefault(c.Name);
                    }
                    c.HasDefault = true;
                    c.Default = stored is null ? null : stored is byte[] b ? System.Text.Encoding.UTF8.GetString(b) : ValueCoercion.ToText(stored);
                    if (c.DataType == "decimal" && c.Default is not null)
                        c.Default = ValueCoercion.NormalizeDecimal(c.Default, c.Length ?? 10, c.Scale ?? 0, out _);
                    break;
                }
            case Expr.Function f when f.Name.ToUpperInvariant() is "CURRENT_TIMESTAMP" or "NOW" or "LOCALTIME" or "LOCALTIMESTAMP":
                if (c.DataType is not ("datetime" or "timestamp"))
                    throw MySqlErrors.InvalidDefault(c.Name);
                c.DefaultNow = true;
                c.HasDefault = true;
                break;
            default:
                throw MySqlErrors.NotSupportedYet("expression defaults");
        }
    }

    /// <summary>
    /// 3108 when a column that a generated column reads is dropped or renamed (MySQL 8.0). A generated column defined
    /// in this ALTER was translated against the new columns already.
    /// </summary>
    static void CheckGeneratedDependencies(TableInfo table, Dictionary<string, string?> newColumns, List<string> droppedColumns)
    {
        var gone = new HashSet<string>(droppedColumns, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, from) in newColumns)
        {
            if (from is not null && !from.Equals(name, StringComparison.OrdinalIgnoreCase))
                gone.Add(from);
        }
        if (gone.Count == 0)
            return;
        foreach (var c in table.Columns.Where(c => c.IsGenerated && !newColumns.ContainsKey(c.Name)))
        {
            foreach (string used in Translator.GenerationColumns(c))
            {
                if (gone.Contains(used) && table.FindColumn(used) is null)
                    throw MySqlErrors.DependentByGeneratedColumn(used);
            }
        }
    }

    /// <summary>Recreates a table under its new definition and copies the rows (ADD/DROP/MODIFY COLUMN, primary key changes).</summary>
    long RebuildTable(TableInfo original, TableInfo table, Dictionary<string, string?> newColumns)
    {
        string temp = table.SqliteName + "/__bx_rebuild";
        var ddl = CatalogStore.SqliteDdl(table, temp);
        SqliteUtil.Exec(_db, ddl[0]);
        // Columns new to the coercion functions get their ids first: the copy converts each value to its new column.
        foreach (var c in table.Columns.Where(c => c.Id == 0))
            _server.Registry.Register(c);
        var targets = new List<string>();
        var sources = new List<string>();
        var rowidColumn = table.RowidColumn;
        foreach (var c in table.Columns)
        {
            // A generated column is computed by the new table, never copied.
            if (c.IsGenerated)
                continue;
            string? sourceName = newColumns.TryGetValue(c.Name, out var renamedFrom) ? renamedFrom : c.Name;
            if (sourceName is not null && original.FindColumn(sourceName) is not null)
            {
                targets.Add(SqliteUtil.Quote(c.Name));
                sources.Add($"__bx_coerce({SqliteUtil.Quote(sourceName)}, {c.Id}, __bx_row)");
            }
            else if (c.AutoIncrement && c != rowidColumn)
            {
                // A new AUTO_INCREMENT column numbers the rows from 1 in the old primary key's order, as InnoDB's copy
                // does. (As the new rowid, SQLite numbers them itself.)
                var pk = original.Indexes.FirstOrDefault(i => i.Primary);
                string order = pk is null ? "__bx_rowid" : string.Join(", ", pk.Columns.Select(SqliteUtil.Quote));
                targets.Add(SqliteUtil.Quote(c.Name));
                sources.Add($"row_number() OVER (ORDER BY {order})");
            }
            else if (c.NotNull && !c.HasDefault && !c.AutoIncrement && !c.DefaultNow)
            {
                targets.Add(SqliteUtil.Quote(c.Name));
                sources.Add(CatalogStore.SqlLiteral(ValueCoercion.ImplicitDefault(c)));
            }
        }
        var sequence = SqliteUtil.Query(_db, "SELECT seq FROM main.sqlite_sequence WHERE name = ?", original.SqliteName);
        _state.Strict = Strict;
        if (targets.Count == 0)
        {
            // No old column survives (ADD b, DROP a): the rows stay, each with the new columns' defaults.
            targets.Add("rowid");
            sources.Add("__bx_rowid");
        }
        try
        {
            SqliteUtil.Exec(_db, $"INSERT INTO main.{SqliteUtil.Quote(temp)} ({string.Join(", ", targets)}) SELECT {string.Join(", ", sources)} FROM (SELECT rowid AS __bx_rowid, *, row_number() OVER (ORDER BY rowid) AS __bx_row FROM main.{SqliteUtil.Quote(original.SqliteName)})");
        }
        catch (MySqlErrorException ex)
        {
            // A value the new column cannot hold (strict mode): the error the conversion raised, as ALTER words it.
            var cause = _state.PendingError ?? ex;
            _state.PendingError = null;
            throw InAlterCopy(cause);
        }
        long copied = raw.sqlite3_changes(_db);
        if (_state.PendingError is { } pending)
        {
            _state.PendingError = null;
            throw InAlterCopy(pending);
        }
        SqliteUtil.Exec(_db, "DROP TABLE main." + SqliteUtil.Quote(original.SqliteName));
        // The new table takes the old one's place as it is: with legacy renaming SQLite neither rewrites nor re-checks
        // the triggers and views that name it (which it would refuse while the old table is gone).
        SqliteUtil.Exec(_db, "PRAGMA legacy_alter_table = ON");
        try
        {
            SqliteUtil.Exec(_db, $"ALTER TABLE main.{SqliteUtil.Quote(temp)} RENAME TO {SqliteUtil.Quote(table.SqliteName)}");
        }
        finally
        {
            raw.sqlite3_exec(_db, "PRAGMA legacy_alter_table = OFF");
        }
        foreach (var index in table.Indexes.Where(i => !i.Primary))
            SqliteUtil.Exec(_db, CatalogStore.IndexDdl(table.SqliteName, index));
        if (sequence.Count > 0 && table.RowidAutoIncrement)
        {
            SqliteUtil.Exec(_db, "DELETE FROM main.sqlite_sequence WHERE name = ?", table.SqliteName);
            ReserveSequenceRow(table, 0);
            SqliteUtil.Exec(_db, "UPDATE main.sqlite_sequence SET seq = (SELECT max(?, COALESCE((SELECT max(rowid) FROM main." + SqliteUtil.Quote(table.SqliteName) + "), 0))) WHERE name = ?",
                sequence[0][0], table.SqliteName);
        }
        return copied;
    }
}
