using System.Globalization;
using Borealis.Sql.Execution;
using Borealis.Sql.Parsing;
using Borealis.Sql.Syntax;
using SQLitePCL;

namespace Borealis.Sql.Catalog;

/// <summary>
/// Tables of the <c>mysql</c> schema that clients expect to exist, created (empty) by the writer when missing, with
/// MySQL 8.0's definitions: the log tables (mysqldump --all-databases always dumps their structure) and
/// <c>help_topic</c> (mycli reads it for completions; empty, as on a server whose help tables are not loaded).
/// </summary>
internal static class SystemTables
{
    static readonly string[] s_definitions =
    [
        """
        CREATE TABLE mysql.general_log (
          event_time timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
          user_host mediumtext NOT NULL, thread_id bigint unsigned NOT NULL, server_id int unsigned NOT NULL,
          command_type varchar(64) NOT NULL, argument mediumblob NOT NULL
        ) ENGINE=CSV DEFAULT CHARSET=utf8mb3 COMMENT='General log'
        """,
        """
        CREATE TABLE mysql.slow_log (
          start_time timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
          user_host mediumtext NOT NULL, query_time time(6) NOT NULL, lock_time time(6) NOT NULL, rows_sent int NOT NULL,
          rows_examined int NOT NULL, db varchar(512) NOT NULL, last_insert_id int NOT NULL, insert_id int NOT NULL,
          server_id int unsigned NOT NULL, sql_text mediumblob NOT NULL, thread_id bigint unsigned NOT NULL
        ) ENGINE=CSV DEFAULT CHARSET=utf8mb3 COMMENT='Slow log'
        """,
        """
        CREATE TABLE mysql.help_topic (
          help_topic_id int unsigned NOT NULL, name char(64) NOT NULL, help_category_id smallint unsigned NOT NULL,
          description text NOT NULL, example text NOT NULL, url text NOT NULL,
          PRIMARY KEY (help_topic_id), UNIQUE KEY name (name)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COMMENT='help topics'
        """,
    ];

    /// <summary>The CREATE TABLE statements of the system tables <paramref name="catalog"/> lacks (none without a mysql schema).</summary>
    public static List<Statement.CreateTable> Missing(CatalogSnapshot catalog)
    {
        var missing = new List<Statement.CreateTable>();
        if (catalog.FindSchema("mysql") is not { } mysql)
            return missing;
        foreach (var sql in s_definitions)
        {
            var create = (Statement.CreateTable)Parser.Parse(sql, Lexer.Tokenize(sql), out _);
            if (!mysql.Tables.ContainsKey(create.Name.Name))
                missing.Add(create);
        }
        return missing;
    }

    /// <summary>Creates the tables in the open transaction on <paramref name="db"/> (the caller holds the write lock).</summary>
    public static void Create(sqlite3 db, CatalogSnapshot catalog, IEnumerable<Statement.CreateTable> tables)
    {
        var mysql = catalog.FindSchema("mysql")!;
        foreach (var create in tables)
        {
            var table = SqlSession.BuildTable(mysql, create);
            table.CreateTime = DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            foreach (var ddl in CatalogStore.SqliteDdl(table))
                SqliteUtil.Exec(db, ddl);
            CatalogStore.SaveTable(db, table);
        }
        CatalogStore.BumpVersion(db);
    }
}
