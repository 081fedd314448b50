using System.Globalization;
using System.Text;
using System.Text.Json;
using Borealis.Engine;
using Borealis.Sql.Execution;
using SQLitePCL;

namespace Borealis.Sql.Catalog;

/// <summary>
/// Reads and writes the catalog kept in SQLite tables of the same database (so that DDL commits with the data):
/// <c>__bx_meta</c> (catalog_version), <c>__bx_schemata</c>, <c>__bx_tables</c> (one JSON definition per table),
/// and the denormalised <c>__bx_columns</c> / <c>__bx_statistics</c> behind information_schema. Also generates the
/// SQLite DDL of a table from its MySQL definition.
/// </summary>
internal static class CatalogStore
{
    static readonly JsonSerializerOptions s_json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public const string BootstrapSql = """
        CREATE TABLE IF NOT EXISTS __bx_meta(key TEXT PRIMARY KEY, value);
        INSERT OR IGNORE INTO __bx_meta VALUES ('catalog_version', 1);
        CREATE TABLE IF NOT EXISTS __bx_schemata(name TEXT PRIMARY KEY COLLATE NOCASE, charset TEXT, collation TEXT);
        INSERT OR IGNORE INTO __bx_schemata VALUES ('mysql', 'utf8mb4', 'utf8mb4_0900_ai_ci');
        INSERT OR IGNORE INTO __bx_schemata VALUES ('performance_schema', 'utf8mb4', 'utf8mb4_0900_ai_ci');
        INSERT OR IGNORE INTO __bx_schemata VALUES ('sys', 'utf8mb4', 'utf8mb4_0900_ai_ci');
        CREATE TABLE IF NOT EXISTS __bx_tables(schema_name TEXT COLLATE NOCASE, table_name TEXT COLLATE NOCASE, definition TEXT,
            engine TEXT, collation TEXT, comment TEXT, create_time TEXT, PRIMARY KEY (schema_name, table_name));
        CREATE TABLE IF NOT EXISTS __bx_columns(schema_name TEXT COLLATE NOCASE, table_name TEXT COLLATE NOCASE, ordinal INTEGER,
            column_name TEXT, column_default TEXT, is_nullable TEXT, data_type TEXT, char_max_len INTEGER, char_octet_len INTEGER,
            num_precision INTEGER, num_scale INTEGER, datetime_precision INTEGER, charset TEXT, collation TEXT, column_type TEXT,
            column_key TEXT, extra TEXT, comment TEXT, PRIMARY KEY (schema_name, table_name, ordinal));
        CREATE TABLE IF NOT EXISTS __bx_statistics(schema_name TEXT COLLATE NOCASE, table_name TEXT COLLATE NOCASE, index_name TEXT,
            non_unique INTEGER, seq INTEGER, column_name TEXT, nullable TEXT);
        CREATE TABLE IF NOT EXISTS __bx_seq_anchor(id INTEGER PRIMARY KEY AUTOINCREMENT);
        """;

    /// <summary>information_schema as temporary views over the catalog (per connection, never persisted).</summary>
    /// <param name="user">The session's user, shown as the DEFINER of views (as SHOW CREATE VIEW does; the statements are split at ';').</param>
    public static string InformationSchemaSql(string user) => $"""
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/SCHEMATA" AS
            SELECT 'def' AS CATALOG_NAME, 'information_schema' AS SCHEMA_NAME, 'utf8mb3' AS DEFAULT_CHARACTER_SET_NAME,
                'utf8mb3_general_ci' AS DEFAULT_COLLATION_NAME, NULL AS SQL_PATH, 'NO' AS DEFAULT_ENCRYPTION
            UNION ALL SELECT 'def', name, charset, collation, NULL, 'NO' FROM main.__bx_schemata;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/TABLES" AS
            SELECT 'def' AS TABLE_CATALOG, t.schema_name AS TABLE_SCHEMA, t.table_name AS TABLE_NAME,
                CASE WHEN t.engine IS NULL THEN 'VIEW' ELSE 'BASE TABLE' END AS TABLE_TYPE,
                t.engine AS ENGINE, 10 AS VERSION, 'Dynamic' AS ROW_FORMAT, 0 AS TABLE_ROWS, 0 AS AVG_ROW_LENGTH,
                16384 AS DATA_LENGTH, 0 AS MAX_DATA_LENGTH, 0 AS INDEX_LENGTH, 0 AS DATA_FREE,
                __bx_auto_increment(t.schema_name || '/' || t.table_name, (SELECT s.seq + 1 FROM main.sqlite_sequence s WHERE s.name = t.schema_name || '/' || t.table_name)) AS AUTO_INCREMENT,
                t.create_time AS CREATE_TIME, NULL AS UPDATE_TIME, NULL AS CHECK_TIME, t.collation AS TABLE_COLLATION,
                NULL AS CHECKSUM, '' AS CREATE_OPTIONS, t.comment AS TABLE_COMMENT
            FROM main.__bx_tables t;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/COLUMNS" AS
            SELECT 'def' AS TABLE_CATALOG, schema_name AS TABLE_SCHEMA, table_name AS TABLE_NAME, column_name COLLATE NOCASE AS COLUMN_NAME,
                ordinal AS ORDINAL_POSITION, column_default AS COLUMN_DEFAULT, is_nullable AS IS_NULLABLE, data_type AS DATA_TYPE,
                char_max_len AS CHARACTER_MAXIMUM_LENGTH, char_octet_len AS CHARACTER_OCTET_LENGTH, num_precision AS NUMERIC_PRECISION,
                num_scale AS NUMERIC_SCALE, datetime_precision AS DATETIME_PRECISION, charset AS CHARACTER_SET_NAME,
                collation AS COLLATION_NAME, column_type AS COLUMN_TYPE, column_key AS COLUMN_KEY, extra AS EXTRA,
                'select,insert,update,references' AS PRIVILEGES, comment AS COLUMN_COMMENT,
                CASE WHEN extra IN ('VIRTUAL GENERATED', 'STORED GENERATED') THEN (SELECT json_extract(c.value, '$.Generation') FROM main.__bx_tables t, json_each(t.definition, '$.Columns') c
                    WHERE t.schema_name = col.schema_name AND t.table_name = col.table_name AND json_extract(c.value, '$.Name') = col.column_name) ELSE '' END AS GENERATION_EXPRESSION,
                NULL AS SRS_ID
            FROM main.__bx_columns col;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/STATISTICS" AS
            SELECT 'def' AS TABLE_CATALOG, schema_name AS TABLE_SCHEMA, table_name AS TABLE_NAME, non_unique AS NON_UNIQUE,
                schema_name AS INDEX_SCHEMA, index_name COLLATE NOCASE AS INDEX_NAME, seq AS SEQ_IN_INDEX, column_name COLLATE NOCASE AS COLUMN_NAME,
                'A' AS COLLATION, 0 AS CARDINALITY, NULL AS SUB_PART, NULL AS PACKED, nullable AS NULLABLE,
                'BTREE' AS INDEX_TYPE, '' AS COMMENT, '' AS INDEX_COMMENT, 'YES' AS IS_VISIBLE, NULL AS EXPRESSION
            FROM main.__bx_statistics;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/replica_host_status" AS
            SELECT json_extract(value, '$[0]') AS SERVER_ID, json_extract(value, '$[1]') AS SESSION_ID,
                json_extract(value, '$[2]') AS IS_CURRENT, CAST(json_extract(value, '$[3]') AS REAL) AS CPU,
                json_extract(value, '$[4]') AS LAST_UPDATE_TIMESTAMP, CAST(json_extract(value, '$[5]') AS REAL) AS REPLICA_LAG_IN_MILLISECONDS
            FROM json_each(__bx_replica_hosts());
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/ENGINES" AS
            SELECT 'InnoDB' AS ENGINE, 'DEFAULT' AS SUPPORT, 'Borealis storage (SQLite on the Borealis volume)' AS COMMENT,
                'YES' AS TRANSACTIONS, 'NO' AS XA, 'YES' AS SAVEPOINTS;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/KEY_COLUMN_USAGE" AS
            SELECT 'def' AS CONSTRAINT_CATALOG, schema_name AS CONSTRAINT_SCHEMA, index_name COLLATE NOCASE AS CONSTRAINT_NAME, 'def' AS TABLE_CATALOG,
                schema_name AS TABLE_SCHEMA, table_name AS TABLE_NAME, column_name COLLATE NOCASE AS COLUMN_NAME, seq AS ORDINAL_POSITION,
                NULL AS POSITION_IN_UNIQUE_CONSTRAINT, NULL AS REFERENCED_TABLE_SCHEMA, NULL AS REFERENCED_TABLE_NAME, NULL AS REFERENCED_COLUMN_NAME
            FROM main.__bx_statistics WHERE non_unique = 0
            UNION ALL
            SELECT 'def', t.schema_name, json_extract(fk.value, '$.Name'), 'def', t.schema_name, t.table_name, c.value, c.key + 1,
                c.key + 1, json_extract(fk.value, '$.ParentSchema'), json_extract(fk.value, '$.ParentTable'),
                json_extract(fk.value, '$.ParentColumns[' || c.key || ']')
            FROM main.__bx_tables t, json_each(t.definition, '$.ForeignKeys') fk, json_each(fk.value, '$.Columns') c;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/TABLE_CONSTRAINTS" AS
            SELECT DISTINCT 'def' AS CONSTRAINT_CATALOG, schema_name AS CONSTRAINT_SCHEMA, index_name COLLATE NOCASE AS CONSTRAINT_NAME,
                schema_name AS TABLE_SCHEMA, table_name AS TABLE_NAME,
                CASE WHEN index_name = 'PRIMARY' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END AS CONSTRAINT_TYPE, 'YES' AS ENFORCED
            FROM main.__bx_statistics WHERE non_unique = 0
            UNION ALL
            SELECT 'def', t.schema_name, json_extract(fk.value, '$.Name'), t.schema_name, t.table_name, 'FOREIGN KEY', 'YES'
            FROM main.__bx_tables t, json_each(t.definition, '$.ForeignKeys') fk
            UNION ALL
            SELECT 'def', t.schema_name, json_extract(ck.value, '$.Name'), t.schema_name, t.table_name, 'CHECK',
                CASE WHEN json_extract(ck.value, '$.Enforced') THEN 'YES' ELSE 'NO' END
            FROM main.__bx_tables t, json_each(t.definition, '$.Checks') ck;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/REFERENTIAL_CONSTRAINTS" AS
            SELECT 'def' AS CONSTRAINT_CATALOG, t.schema_name AS CONSTRAINT_SCHEMA, json_extract(fk.value, '$.Name') AS CONSTRAINT_NAME,
                'def' AS UNIQUE_CONSTRAINT_CATALOG, json_extract(fk.value, '$.ParentSchema') AS UNIQUE_CONSTRAINT_SCHEMA,
                (SELECT s.index_name FROM main.__bx_statistics s WHERE s.schema_name = json_extract(fk.value, '$.ParentSchema')
                    AND s.table_name = json_extract(fk.value, '$.ParentTable') AND s.non_unique = 0 AND s.seq = 1
                    AND s.column_name = json_extract(fk.value, '$.ParentColumns[0]') COLLATE NOCASE
                    ORDER BY s.index_name <> 'PRIMARY' LIMIT 1) AS UNIQUE_CONSTRAINT_NAME,
                'NONE' AS MATCH_OPTION,
                CASE WHEN COALESCE(json_extract(fk.value, '$.OnUpdate'), '') = '' THEN 'RESTRICT' ELSE json_extract(fk.value, '$.OnUpdate') END AS UPDATE_RULE,
                CASE WHEN COALESCE(json_extract(fk.value, '$.OnDelete'), '') = '' THEN 'RESTRICT' ELSE json_extract(fk.value, '$.OnDelete') END AS DELETE_RULE,
                t.table_name AS TABLE_NAME, json_extract(fk.value, '$.ParentTable') AS REFERENCED_TABLE_NAME
            FROM main.__bx_tables t, json_each(t.definition, '$.ForeignKeys') fk;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/CHECK_CONSTRAINTS" AS
            SELECT 'def' AS CONSTRAINT_CATALOG, t.schema_name AS CONSTRAINT_SCHEMA, json_extract(ck.value, '$.Name') AS CONSTRAINT_NAME,
                json_extract(ck.value, '$.Text') AS CHECK_CLAUSE
            FROM main.__bx_tables t, json_each(t.definition, '$.Checks') ck;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/PARAMETERS" AS
            SELECT NULL AS SPECIFIC_CATALOG, NULL AS SPECIFIC_SCHEMA, NULL AS SPECIFIC_NAME, NULL AS ORDINAL_POSITION,
                NULL AS PARAMETER_MODE, NULL AS PARAMETER_NAME, NULL AS DATA_TYPE, NULL AS CHARACTER_MAXIMUM_LENGTH,
                NULL AS CHARACTER_OCTET_LENGTH, NULL AS NUMERIC_PRECISION, NULL AS NUMERIC_SCALE, NULL AS DATETIME_PRECISION,
                NULL AS CHARACTER_SET_NAME, NULL AS COLLATION_NAME, NULL AS DTD_IDENTIFIER, NULL AS ROUTINE_TYPE WHERE 0;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/CHARACTER_SETS" AS
            SELECT 'utf8mb4' AS CHARACTER_SET_NAME, 'utf8mb4_0900_ai_ci' AS DEFAULT_COLLATE_NAME, 'UTF-8 Unicode' AS DESCRIPTION, 4 AS MAXLEN
            UNION ALL SELECT 'utf8mb3', 'utf8mb3_general_ci', 'UTF-8 Unicode', 3
            UNION ALL SELECT 'latin1', 'latin1_swedish_ci', 'cp1252 West European', 1
            UNION ALL SELECT 'binary', 'binary', 'Binary pseudo charset', 1;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/COLLATIONS" AS
            SELECT 'utf8mb4_0900_ai_ci' AS COLLATION_NAME, 'utf8mb4' AS CHARACTER_SET_NAME, 255 AS ID, 'Yes' AS IS_DEFAULT, 'Yes' AS IS_COMPILED, 0 AS SORTLEN, 'NO PAD' AS PAD_ATTRIBUTE
            UNION ALL SELECT 'utf8mb4_general_ci', 'utf8mb4', 45, '', 'Yes', 1, 'PAD SPACE'
            UNION ALL SELECT 'utf8mb4_bin', 'utf8mb4', 46, '', 'Yes', 1, 'PAD SPACE'
            UNION ALL SELECT 'binary', 'binary', 63, 'Yes', 'Yes', 1, 'NO PAD';
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/VIEWS" AS
            SELECT 'def' AS TABLE_CATALOG, schema_name AS TABLE_SCHEMA, table_name AS TABLE_NAME,
                json_extract(definition, '$.ViewText') AS VIEW_DEFINITION, coalesce(json_extract(definition, '$.ViewCheckOption'), 'NONE') AS CHECK_OPTION,
                CASE WHEN json_extract(definition, '$.ViewUpdatable') THEN 'YES' ELSE 'NO' END AS IS_UPDATABLE,
                {SqliteUtil.QuoteString(user.Replace(';', '_') + "@%")} AS DEFINER, 'DEFINER' AS SECURITY_TYPE, 'utf8mb4' AS CHARACTER_SET_CLIENT,
                'utf8mb4_0900_ai_ci' AS COLLATION_CONNECTION
            FROM main.__bx_tables WHERE engine IS NULL;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/ROUTINES" AS
            SELECT NULL AS SPECIFIC_NAME, NULL AS ROUTINE_CATALOG, NULL AS ROUTINE_SCHEMA, NULL AS ROUTINE_NAME, NULL AS ROUTINE_TYPE,
                NULL AS DATA_TYPE, NULL AS CHARACTER_MAXIMUM_LENGTH, NULL AS CHARACTER_OCTET_LENGTH, NULL AS NUMERIC_PRECISION,
                NULL AS NUMERIC_SCALE, NULL AS DATETIME_PRECISION, NULL AS CHARACTER_SET_NAME, NULL AS COLLATION_NAME,
                NULL AS DTD_IDENTIFIER, NULL AS ROUTINE_BODY, NULL AS ROUTINE_DEFINITION, NULL AS EXTERNAL_NAME,
                NULL AS EXTERNAL_LANGUAGE, NULL AS PARAMETER_STYLE, NULL AS IS_DETERMINISTIC, NULL AS SQL_DATA_ACCESS,
                NULL AS SQL_PATH, NULL AS SECURITY_TYPE, NULL AS CREATED, NULL AS LAST_ALTERED, NULL AS SQL_MODE,
                NULL AS ROUTINE_COMMENT, NULL AS DEFINER, NULL AS CHARACTER_SET_CLIENT, NULL AS COLLATION_CONNECTION,
                NULL AS DATABASE_COLLATION WHERE 0;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/TRIGGERS" AS
            SELECT NULL AS TRIGGER_CATALOG, NULL AS TRIGGER_SCHEMA, NULL AS TRIGGER_NAME, NULL AS EVENT_MANIPULATION,
                NULL AS EVENT_OBJECT_CATALOG, NULL AS EVENT_OBJECT_SCHEMA, NULL AS EVENT_OBJECT_TABLE, NULL AS ACTION_ORDER,
                NULL AS ACTION_CONDITION, NULL AS ACTION_STATEMENT, NULL AS ACTION_ORIENTATION, NULL AS ACTION_TIMING,
                NULL AS ACTION_REFERENCE_OLD_TABLE, NULL AS ACTION_REFERENCE_NEW_TABLE, NULL AS ACTION_REFERENCE_OLD_ROW,
                NULL AS ACTION_REFERENCE_NEW_ROW, NULL AS CREATED, NULL AS SQL_MODE, NULL AS DEFINER,
                NULL AS CHARACTER_SET_CLIENT, NULL AS COLLATION_CONNECTION, NULL AS DATABASE_COLLATION WHERE 0;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/EVENTS" AS
            SELECT NULL AS EVENT_CATALOG, NULL AS EVENT_SCHEMA, NULL AS EVENT_NAME, NULL AS DEFINER, NULL AS TIME_ZONE,
                NULL AS EVENT_BODY, NULL AS EVENT_DEFINITION, NULL AS EVENT_TYPE, NULL AS EXECUTE_AT, NULL AS INTERVAL_VALUE,
                NULL AS INTERVAL_FIELD, NULL AS SQL_MODE, NULL AS STARTS, NULL AS ENDS, NULL AS STATUS, NULL AS ON_COMPLETION,
                NULL AS CREATED, NULL AS LAST_ALTERED, NULL AS LAST_EXECUTED, NULL AS EVENT_COMMENT, NULL AS ORIGINATOR,
                NULL AS CHARACTER_SET_CLIENT, NULL AS COLLATION_CONNECTION, NULL AS DATABASE_COLLATION WHERE 0;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/FILES" AS
            SELECT NULL AS FILE_ID, NULL AS FILE_NAME, NULL AS FILE_TYPE, NULL AS TABLESPACE_NAME, NULL AS TABLE_CATALOG,
                NULL AS TABLE_SCHEMA, NULL AS TABLE_NAME, NULL AS LOGFILE_GROUP_NAME, NULL AS LOGFILE_GROUP_NUMBER, NULL AS ENGINE,
                NULL AS FULLTEXT_KEYS, NULL AS DELETED_ROWS, NULL AS UPDATE_COUNT, NULL AS FREE_EXTENTS, NULL AS TOTAL_EXTENTS,
                NULL AS EXTENT_SIZE, NULL AS INITIAL_SIZE, NULL AS MAXIMUM_SIZE, NULL AS AUTOEXTEND_SIZE, NULL AS CREATION_TIME,
                NULL AS LAST_UPDATE_TIME, NULL AS LAST_ACCESS_TIME, NULL AS RECOVER_TIME, NULL AS TRANSACTION_COUNTER,
                NULL AS VERSION, NULL AS ROW_FORMAT, NULL AS TABLE_ROWS, NULL AS AVG_ROW_LENGTH, NULL AS DATA_LENGTH,
                NULL AS MAX_DATA_LENGTH, NULL AS INDEX_LENGTH, NULL AS DATA_FREE, NULL AS CREATE_TIME, NULL AS UPDATE_TIME,
                NULL AS CHECK_TIME, NULL AS CHECKSUM, NULL AS STATUS, NULL AS EXTRA WHERE 0;
        CREATE TEMP VIEW IF NOT EXISTS "information_schema/PARTITIONS" AS
            SELECT 'def' AS TABLE_CATALOG, schema_name AS TABLE_SCHEMA, table_name AS TABLE_NAME, NULL AS PARTITION_NAME,
                NULL AS SUBPARTITION_NAME, NULL AS PARTITION_ORDINAL_POSITION, NULL AS SUBPARTITION_ORDINAL_POSITION,
                NULL AS PARTITION_METHOD, NULL AS SUBPARTITION_METHOD, NULL AS PARTITION_EXPRESSION, NULL AS SUBPARTITION_EXPRESSION,
                NULL AS PARTITION_DESCRIPTION, 0 AS TABLE_ROWS, 0 AS AVG_ROW_LENGTH, 16384 AS DATA_LENGTH, 0 AS MAX_DATA_LENGTH,
                0 AS INDEX_LENGTH, 0 AS DATA_FREE, create_time AS CREATE_TIME, NULL AS UPDATE_TIME, NULL AS CHECK_TIME,
                NULL AS CHECKSUM, '' AS PARTITION_COMMENT, '' AS NODEGROUP, NULL AS TABLESPACE_NAME
            FROM main.__bx_tables WHERE engine IS NOT NULL;
        """;

    /// <summary><c>mysql.user</c> as a temporary view of the server's accounts (one statement).</summary>
    public static string MySqlUserViewSql(IReadOnlyList<AccountInfo> accounts)
    {
        var rows = new StringBuilder("SELECT NULL AS Host, NULL AS User, NULL AS plugin WHERE 0");
        foreach (var a in accounts)
            rows.Append(" UNION ALL SELECT '%', ").Append(SqliteUtil.QuoteString(a.User)).Append(", ").Append(SqliteUtil.QuoteString(a.Plugin));
        return $"""
            CREATE TEMP VIEW IF NOT EXISTS "mysql/user" AS
                SELECT Host, User, 'Y' AS Select_priv, 'Y' AS Insert_priv, 'Y' AS Update_priv, 'Y' AS Delete_priv,
                    'Y' AS Create_priv, 'Y' AS Drop_priv, 'Y' AS Grant_priv, 'Y' AS Super_priv, plugin,
                    'N' AS password_expired, 'N' AS account_locked
                FROM ({rows})
            """;
    }

    /// <summary>
    /// The MySQL types of information_schema.replica_host_status (its rows come from a JSON function, so SQLite has no
    /// declared types): SERVER_ID/SESSION_ID varchar(100), IS_CURRENT tinyint, CPU double, LAST_UPDATE_TIMESTAMP
    /// datetime(6), REPLICA_LAG_IN_MILLISECONDS double, as Aurora documents them.
    /// </summary>
    public static readonly Dictionary<string, ColumnHint> ReplicaHostStatusTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SERVER_ID"] = new(Results.MySqlColumnType.VarString, 400, 0, Results.ColumnFlags.NotNull, Results.CharacterSets.Utf8mb4General),
        ["SESSION_ID"] = new(Results.MySqlColumnType.VarString, 400, 0, Results.ColumnFlags.NotNull, Results.CharacterSets.Utf8mb4General),
        ["IS_CURRENT"] = new(Results.MySqlColumnType.Tiny, 4, 0, Results.ColumnFlags.NotNull | Results.ColumnFlags.Num),
        ["CPU"] = new(Results.MySqlColumnType.Double, 22, 31, Results.ColumnFlags.NotNull | Results.ColumnFlags.Num),
        ["LAST_UPDATE_TIMESTAMP"] = new(Results.MySqlColumnType.DateTime, 26, 6, Results.ColumnFlags.NotNull | Results.ColumnFlags.Binary),
        ["REPLICA_LAG_IN_MILLISECONDS"] = new(Results.MySqlColumnType.Double, 22, 31, Results.ColumnFlags.NotNull | Results.ColumnFlags.Num),
    };

    /// <summary>The information_schema tables served (as temp views).</summary>
    public static readonly HashSet<string> InformationSchemaTables = new(StringComparer.OrdinalIgnoreCase)
    {
        "SCHEMATA", "TABLES", "COLUMNS", "STATISTICS", "replica_host_status", "ENGINES", "VIEWS", "ROUTINES", "TRIGGERS", "EVENTS", "FILES", "PARTITIONS",
        "KEY_COLUMN_USAGE", "TABLE_CONSTRAINTS", "REFERENTIAL_CONSTRAINTS", "CHECK_CONSTRAINTS", "PARAMETERS", "CHARACTER_SETS", "COLLATIONS",
    };

    public static long ReadVersion(sqlite3 db)
    {
        var rows = SqliteUtil.Query(db, "SELECT value FROM __bx_meta WHERE key = 'catalog_version'");
        return rows.Count == 0 ? 0 : Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture);
    }

    public static CatalogSnapshot Load(sqlite3 db, ColumnRegistry registry)
    {
        long version = ReadVersion(db);
        var schemas = new Dictionary<string, SchemaInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in SqliteUtil.Query(db, "SELECT name, charset, collation FROM __bx_schemata"))
        {
            var name = (string)row[0]!;
            schemas[name] = new SchemaInfo(name, row[1] as string ?? "utf8mb4", row[2] as string ?? "utf8mb4_0900_ai_ci");
        }
        foreach (var row in SqliteUtil.Query(db, "SELECT definition FROM __bx_tables"))
        {
            var table = JsonSerializer.Deserialize<TableInfo>((string)row[0]!, s_json)!;
            foreach (var c in table.Columns)
            {
                c.TableName = table.SqliteName;
                registry.Register(c, JsonSerializer.Serialize(c, s_json));
            }
            if (schemas.TryGetValue(table.Schema, out var schema))
                schema.Tables[table.Name] = table;
        }
        return new CatalogSnapshot(version, schemas);
    }

    /// <summary>The base tables that have FOREIGN KEYs, read from the database (inside the current transaction).</summary>
    public static List<TableInfo> LoadTablesWithForeignKeys(sqlite3 db)
    {
        var tables = new List<TableInfo>();
        foreach (var row in SqliteUtil.Query(db, "SELECT definition FROM __bx_tables WHERE engine IS NOT NULL AND json_array_length(definition, '$.ForeignKeys') > 0"))
            tables.Add(JsonSerializer.Deserialize<TableInfo>((string)row[0]!, s_json)!);
        return tables;
    }

    public static void BumpVersion(sqlite3 db) =>
        SqliteUtil.Exec(db, "UPDATE __bx_meta SET value = value + 1 WHERE key = 'catalog_version'");

    /// <summary>Writes (or rewrites) a table's catalog rows.</summary>
    public static void SaveTable(sqlite3 db, TableInfo table)
    {
        DeleteTable(db, table.Schema, table.Name);
        SqliteUtil.Exec(db, "INSERT INTO __bx_tables VALUES (?, ?, ?, ?, ?, ?, ?)", table.Schema, table.Name,
            JsonSerializer.Serialize(table, s_json), table.IsView ? null : table.Engine, table.IsView ? null : table.Collation,
            table.IsView ? "VIEW" : table.Comment, table.CreateTime);
        int ordinal = 1;
        foreach (var c in table.Columns)
        {
            string key = table.Indexes.Any(i => i.Primary && i.Columns.Contains(c.Name, StringComparer.OrdinalIgnoreCase)) ? "PRI"
                : table.Indexes.Any(i => i.Unique && i.Columns.Count == 1 && i.Columns[0].Equals(c.Name, StringComparison.OrdinalIgnoreCase)) ? "UNI"
                : table.Indexes.Any(i => i.Columns.Count > 0 && i.Columns[0].Equals(c.Name, StringComparison.OrdinalIgnoreCase)) ? "MUL" : "";
            long? maxLen = c.MaxLength;
            long? octets = maxLen is long m && c.IsString ? m * 4 : maxLen;
            (long? precision, long? scale) = c.DataType switch
            {
                "tinyint" => (3L, 0L),
                "smallint" => (5L, 0L),
                "mediumint" => (7L, 0L),
                "int" => (c.Unsigned ? 10L : 10L, 0L),
                "bigint" => (c.Unsigned ? 20L : 19L, 0L),
                "decimal" => (c.Length ?? 10, c.Scale ?? 0),
                "float" => (12L, (long?)c.Scale),
                "double" => (22L, (long?)c.Scale),
                "bit" => (c.Length ?? 1, null),
                _ => ((long?)null, (long?)null),
            };
            long? dtPrecision = c.DataType is "datetime" or "timestamp" or "time" ? c.Length ?? 0 : null;
            SqliteUtil.Exec(db, "INSERT INTO __bx_columns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                table.Schema, table.Name, ordinal++, c.Name, c.DefaultNow ? CurrentTimestampSql(c) : c.Default,
                c.NotNull ? "NO" : "YES", c.DataType, maxLen, octets, precision, scale, dtPrecision,
                c.IsString ? c.Charset ?? "utf8mb4" : null, c.IsString ? c.Collation ?? "utf8mb4_0900_ai_ci" : null,
                c.ColumnType, key, Extra(c), c.Comment);
        }
        foreach (var index in table.Indexes)
        {
            int seq = 1;
            foreach (var col in index.Columns)
            {
                var ci = table.FindColumn(col);
                SqliteUtil.Exec(db, "INSERT INTO __bx_statistics VALUES (?, ?, ?, ?, ?, ?, ?)", table.Schema, table.Name, index.Name,
                    index.Unique || index.Primary ? 0L : 1L, seq++, ci?.Name ?? col, ci is { NotNull: false } ? "YES" : "");
            }
        }
    }

    public static string Extra(ColumnInfo c)
    {
        var parts = new List<string>();
        if (c.IsGenerated)
            parts.Add(c.GenerationStored ? "STORED GENERATED" : "VIRTUAL GENERATED");
        if (c.AutoIncrement)
            parts.Add("auto_increment");
        if (c.DefaultNow)
            parts.Add("DEFAULT_GENERATED");
        if (c.OnUpdateNow)
            parts.Add("on update " + CurrentTimestampSql(c));
        return string.Join(" ", parts);
    }

    /// <summary>CURRENT_TIMESTAMP with the column's fractional-second precision, as MySQL shows (and requires) it.</summary>
    public static string CurrentTimestampSql(ColumnInfo c) =>
        c.Length is int fsp && fsp > 0 ? $"CURRENT_TIMESTAMP({fsp})" : "CURRENT_TIMESTAMP";

    public static void DeleteTable(sqlite3 db, string schema, string name)
    {
        SqliteUtil.Exec(db, "DELETE FROM __bx_tables WHERE schema_name = ? AND table_name = ?", schema, name);
        SqliteUtil.Exec(db, "DELETE FROM __bx_columns WHERE schema_name = ? AND table_name = ?", schema, name);
        SqliteUtil.Exec(db, "DELETE FROM __bx_statistics WHERE schema_name = ? AND table_name = ?", schema, name);
    }

    /// <summary>The SQLite declared type and collation of a column (see docs/sql-layer.md, "Values").</summary>
    public static string SqliteType(ColumnInfo c)
    {
        if (c.IsInteger)
            return "INTEGER";
        if (c.DataType is "float" or "double")
            return "REAL";
        if (c.DataType == "decimal")
            return c.IsWideDecimal ? "TEXT" : "NUMERIC";
        if (c.IsBinary)
            return "BLOB";
        if (c.IsString)
            return IsBinaryCollation(c.Collation) ? "TEXT" : "TEXT COLLATE " + TextCollation.Name;
        return "TEXT";
    }

    static bool IsBinaryCollation(string? collation) =>
        collation is not null && (collation.EndsWith("_bin", StringComparison.OrdinalIgnoreCase) || collation.EndsWith("_cs", StringComparison.OrdinalIgnoreCase)
            || collation.Equals("binary", StringComparison.OrdinalIgnoreCase));

    /// <summary>SQL literal for a stored value in DDL (DEFAULT clauses).</summary>
    public static string SqlLiteral(object? v) => v switch
    {
        null => "NULL",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        byte[] b => "X'" + Convert.ToHexString(b) + "'",
        _ => SqliteUtil.QuoteString(ValueCoercion.ToText(v)),
    };

    public static string DefaultSql(ColumnInfo c)
    {
        if (c.DefaultNow)
            return c.DataType == "date" ? "(date('now','localtime'))"
                : c.Length is int f && f > 0 ? "(strftime('%Y-%m-%d %H:%M:%f','now','localtime'))" : "(datetime('now','localtime'))";
        if (!c.HasDefault || c.Default is null)
            return "NULL";
        var stored = ValueCoercion.Coerce(c, c.Default, 1, strict: false, null);
        return SqlLiteral(stored);
    }

    /// <summary>CREATE TABLE (SQLite) for a MySQL table definition, plus its CREATE INDEX statements.</summary>
    public static List<string> SqliteDdl(TableInfo table, string? sqliteName = null)
    {
        string name = sqliteName ?? table.SqliteName;
        var sb = new StringBuilder();
        sb.Append("CREATE TABLE ").Append(SqliteUtil.Quote(name)).Append(" (");
        var rowid = table.RowidColumn;
        var pk = table.Indexes.FirstOrDefault(i => i.Primary);
        bool first = true;
        foreach (var c in table.Columns)
        {
            if (!first)
                sb.Append(", ");
            first = false;
            sb.Append(SqliteUtil.Quote(c.Name)).Append(' ');
            if (c == rowid)
            {
                sb.Append("INTEGER PRIMARY KEY");
                if (c.AutoIncrement)
                    sb.Append(" AUTOINCREMENT");
                continue;
            }
            sb.Append(SqliteType(c));
            if (c.GenerationSql is not null)
                sb.Append(" GENERATED ALWAYS AS (").Append(c.GenerationSql).Append(c.GenerationStored ? ") STORED" : ") VIRTUAL");
            if (c.NotNull)
                sb.Append(" NOT NULL");
            if (c.HasDefault || c.DefaultNow)
                sb.Append(" DEFAULT ").Append(DefaultSql(c));
        }
        if (pk is not null && rowid is null)
            sb.Append(", PRIMARY KEY (").Append(string.Join(", ", pk.Columns.Select(SqliteUtil.Quote))).Append(')');
        foreach (var check in table.Checks.Where(c => c.Enforced))
            sb.Append(", CONSTRAINT ").Append(SqliteUtil.Quote(check.Name)).Append(" CHECK (").Append(check.Sql).Append(')');
        sb.Append(')');
        var list = new List<string> { sb.ToString() };
        foreach (var index in table.Indexes)
        {
            if (index.Primary)
                continue;
            list.Add(IndexDdl(name, index));
        }
        return list;
    }

    public static string IndexDdl(string tableSqliteName, IndexInfo index)
    {
        index.SqliteName = $"{tableSqliteName}/{index.Name}/{Guid.NewGuid().ToString("N")[..8]}";
        return $"CREATE {(index.Unique ? "UNIQUE " : "")}INDEX {SqliteUtil.Quote(index.SqliteName)} ON {SqliteUtil.Quote(tableSqliteName)} ({string.Join(", ", index.Columns.Select(SqliteUtil.Quote))})";
    }
}
