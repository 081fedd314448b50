using System.Text;
using Borealis.Sql.Parsing;

namespace Borealis.Sql.Tests;

/// <summary>The statements mysqldump / mariadb-dump and mycli send, and the dump's own statements when it is restored.</summary>
public sealed class DumpStatementTests : SqlTestBase
{
    protected override SqlServerOptions Options => base.Options with { Accounts = [new AccountInfo("admin", "caching_sha2_password")] };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await RunAsync("CREATE DATABASE d; USE d");
    }

    /// <summary>A BLOB the way mysqldump writes it: the raw bytes between quotes, only \0 \n \r \Z ' " \\ escaped.</summary>
    static byte[] DumpLiteral(byte[] value)
    {
        var literal = new List<byte> { (byte)'\'' };
        foreach (byte b in value)
        {
            string? escape = b switch
            {
                0 => "\\0",
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                0x1a => "\\Z",
                (byte)'\'' => "\\'",
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                _ => null,
            };
            if (escape is null)
                literal.Add(b);
            else
                literal.AddRange(Encoding.ASCII.GetBytes(escape));
        }
        literal.Add((byte)'\'');
        return [.. literal];
    }

    [Fact]
    public async Task BinaryStringLiteralsKeepEveryByte()
    {
        await OkAsync("CREATE TABLE b (k INT PRIMARY KEY, b BLOB, vb VARBINARY(300))");
        byte[] every = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        byte[] tricky = [0xFF, 0x00, 0xC3, 0x5C, 0xE2, 0x82, 0x41, 0xC3, 0xA9, 0xF0, 0x9F, 0x8E, 0x89, 0xED, 0xB2, 0x80];
        byte[] statement = [.. "INSERT INTO b VALUES (1, "u8, .. DumpLiteral(every), .. ", "u8, .. DumpLiteral(tricky), .. ")"u8];

        // The wire decoding (COM_QUERY) keeps invalid UTF-8 as escaped bytes.
        Assert.Equal(1UL, (await OkAsync(QueryText.Decode(statement))).AffectedRows);

        Assert.Equal([[Convert.ToHexString(every), Convert.ToHexString(tricky)]], await RowsAsync("SELECT HEX(b), HEX(vb) FROM b WHERE k = 1"));
        // A literal that is valid UTF-8 stays text: into a BLOB it is stored as its UTF-8 bytes.
        await OkAsync("INSERT INTO b VALUES (2, 'é🎉', _binary'x')");
        Assert.Equal("C3A9F09F8E89", await ScalarAsync("SELECT HEX(b) FROM b WHERE k = 2"));
    }

    [Fact]
    public void QueryTextRoundTripsAnyBytes()
    {
        var random = new Random(5);
        for (int n = 0; n < 200; n++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            string text = QueryText.Decode(bytes);
            Assert.Equal(bytes, QueryText.ToBytes(text));
        }
        // A supplementary character whose low surrogate lies in the escape range is text, not an escaped byte.
        string supplementary = char.ConvertFromUtf32(0x10080);
        Assert.Equal(supplementary, QueryText.Decode(Encoding.UTF8.GetBytes(supplementary)));
        Assert.False(QueryText.HasRawBytes(supplementary));
        Assert.True(QueryText.HasRawBytes(QueryText.Decode([0x41, 0xFF])));
    }

    [Fact]
    public async Task AViewCreatedInsideAVersionCommentIsStoredWithoutTheCommentEnd()
    {
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
        await OkAsync("/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER=`admin`@`%` SQL SECURITY DEFINER */ /*!50001 VIEW `w` AS SELECT id, v FROM t WHERE v > 0 */");
        var create = await RowsAsync("SHOW CREATE VIEW w");
        Assert.Equal("CREATE ALGORITHM=UNDEFINED DEFINER=`admin`@`%` SQL SECURITY DEFINER VIEW `w` AS SELECT id, v FROM t WHERE v > 0", create[0][1]);
        Assert.Equal([["d", "w", "SELECT id, v FROM t WHERE v > 0", "NONE", "YES", "admin@%", "DEFINER"]], await RowsAsync(
            "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, IS_UPDATABLE, DEFINER, SECURITY_TYPE FROM information_schema.VIEWS"));
    }

    [Fact]
    public async Task TheInformationSchemaQueriesOfMariaDbDumpAnswer()
    {
        await OkAsync("CREATE TABLE t (id INT PRIMARY KEY)");
        Assert.Empty(await RowsAsync("SELECT TRIGGER_NAME FROM INFORMATION_SCHEMA.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = 't'"));
        Assert.Empty(await RowsAsync(
            "SELECT LOGFILE_GROUP_NAME, FILE_NAME, TOTAL_EXTENTS, INITIAL_SIZE, ENGINE, EXTRA FROM INFORMATION_SCHEMA.FILES WHERE FILE_TYPE = 'UNDO LOG' " +
            "AND FILE_NAME IS NOT NULL AND LOGFILE_GROUP_NAME IS NOT NULL AND LOGFILE_GROUP_NAME IN (SELECT DISTINCT LOGFILE_GROUP_NAME FROM " +
            "INFORMATION_SCHEMA.FILES WHERE FILE_TYPE = 'DATAFILE' AND TABLESPACE_NAME IN (SELECT DISTINCT TABLESPACE_NAME FROM " +
            "INFORMATION_SCHEMA.PARTITIONS WHERE TABLE_SCHEMA IN ('d'))) GROUP BY LOGFILE_GROUP_NAME, FILE_NAME, ENGINE, TOTAL_EXTENTS, INITIAL_SIZE"));
        // A table that is not partitioned has one row with a NULL partition name (MySQL's shape).
        Assert.Equal([["t", null]], await RowsAsync("SELECT TABLE_NAME, PARTITION_NAME FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = 'd'"));
        Assert.Empty(await RowsAsync("SELECT ROUTINE_NAME FROM INFORMATION_SCHEMA.ROUTINES WHERE ROUTINE_TYPE=\"FUNCTION\" AND ROUTINE_SCHEMA = \"d\""));
        Assert.Empty(await RowsAsync("SELECT EVENT_NAME FROM information_schema.EVENTS"));
    }

    [Fact]
    public async Task ShowCreateDatabaseIfNotExistsSaysSo()
    {
        Assert.Equal(
            "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `d` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */",
            (await RowsAsync("SHOW CREATE DATABASE IF NOT EXISTS `d`"))[0][1]);
        // Restoring a dump of a database that exists is then harmless.
        await OkAsync("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `d` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci */");
    }

    [Fact]
    public async Task ShowCreateTableRestoresToTheSameDefinition()
    {
        await OkAsync("""
            CREATE TABLE t (
              id INT NOT NULL AUTO_INCREMENT, ts TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
              vb VARBINARY(10), bl BLOB, tx TEXT, d DATETIME(3) DEFAULT NULL, PRIMARY KEY (id)
            )
            """);
        string create = (await RowsAsync("SHOW CREATE TABLE t"))[0][1]!;
        Assert.Contains("`ts` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),", create, StringComparison.Ordinal);
        Assert.Contains("`vb` varbinary(10) DEFAULT NULL,", create, StringComparison.Ordinal);
        Assert.Contains("`bl` blob,", create, StringComparison.Ordinal);
        Assert.Contains("`tx` text,", create, StringComparison.Ordinal);
        Assert.Equal(
            ["CURRENT_TIMESTAMP(6)", "DEFAULT_GENERATED on update CURRENT_TIMESTAMP(6)"],
            (await RowsAsync("SELECT COLUMN_DEFAULT, EXTRA FROM information_schema.COLUMNS WHERE TABLE_NAME = 't' AND COLUMN_NAME = 'ts'"))[0]);

        await OkAsync("CREATE DATABASE copy");
        await OkAsync("USE copy");
        await OkAsync(create);
        Assert.Equal(create, (await RowsAsync("SHOW CREATE TABLE t"))[0][1]);
    }

    [Fact]
    public async Task TheMysqlSchemaHasTheTablesClientsRead()
    {
        Assert.Equal([["general_log"], ["help_topic"], ["slow_log"]], await RowsAsync("SHOW TABLES FROM mysql"));
        string log = (await RowsAsync("SHOW CREATE TABLE mysql.general_log"))[0][1]!;
        Assert.StartsWith("CREATE TABLE `general_log` (\n  `event_time` timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),", log, StringComparison.Ordinal);
        Assert.EndsWith("ENGINE=CSV DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci COMMENT='General log'", log, StringComparison.Ordinal);
        Assert.Empty(await RowsAsync("SELECT name FROM mysql.help_topic WHERE name LIKE \"SHOW %\""));
        // mycli's user completion.
        Assert.Equal([["'admin'@'%'"]], await RowsAsync("SELECT CONCAT(\"'\", user, \"'@'\", host, \"'\") FROM mysql.user"));
        Assert.Equal([["admin", "caching_sha2_password", "Y"]], await RowsAsync("SELECT User, plugin, Super_priv FROM mysql.user"));
    }

    [Fact]
    public async Task AWriterAddsMissingSystemTablesWhenItStarts()
    {
        await OkAsync("DROP TABLE mysql.help_topic");
        Assert.Equal([["general_log"], ["slow_log"]], await RowsAsync("SHOW TABLES FROM mysql"));
        var restarted = new SqlServer(Database, Options);
        using var session = restarted.OpenSession(new SessionInfo(99, "admin", "127.0.0.1:5000"));
        Assert.Equal([["general_log"], ["help_topic"], ["slow_log"]], await RowsAsync("SHOW TABLES FROM mysql", session));
    }
}
