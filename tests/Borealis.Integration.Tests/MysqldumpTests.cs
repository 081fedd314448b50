using System.Globalization;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// mysqldump (Debian's mariadb-dump 10.11; mysqldump is the same program) of databases with several tables,
/// indexes, NULLs, dates, binary data, quotes and a view, restored with the mariadb client into a fresh database
/// and a fresh server, then compared row by row and by SHOW CREATE TABLE.
/// </summary>
public sealed class MysqldumpTests : BorealisTest, IDisposable
{
    const string Dump = "/usr/bin/mariadb-dump";

    /// <summary>Tables of the source database and the ORDER BY that makes their rows comparable.</summary>
    static readonly (string Table, string OrderBy)[] s_tables =
        [("customers", "id"), ("order_lines", "order_id, line"), ("files", "id"), ("big_spenders", "id")];

    readonly TempDirectory _dir = new("borealis-dump");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ADumpWithDefaultOptionsRestoresIntoAFreshDatabaseRowForRow()
    {
        Assert.SkipUnless(File.Exists(Dump), "mariadb-dump is not installed (./test.sh installs mariadb-client)");
        await using var instance = await InstanceProcess.StartAsync();
        await CreateShopAsync(instance, "shop");

        string file = _dir.Combine("shop.sql");
        await RunShellAsync($"{Dump} {Connection(instance)} shop > {file}");
        string dump = await File.ReadAllTextAsync(file, TestToken);
        // The default options: table locks, version comments, and the view created in two steps.
        Assert.Contains("LOCK TABLES `customers` WRITE;", dump, StringComparison.Ordinal);
        Assert.Contains("/*!40101 SET NAMES utf8mb4 */;", dump, StringComparison.Ordinal);
        Assert.Contains("/*!50001 CREATE ALGORITHM=UNDEFINED */", dump, StringComparison.Ordinal);

        await MariaDbAsync(instance, "CREATE DATABASE shop_copy");
        await RunShellAsync($"mariadb {Connection(instance)} shop_copy < {file}");

        await AssertSameAsync(instance, "shop", instance, "shop_copy");
        // The view keeps its column names and its CHECK OPTION, which still refuses a row leaving it.
        string view = await ShowCreateAsync(instance, "shop", "big_spenders");
        Assert.Contains("`big_spenders` (`id`,`mail`,`balance`) AS", view, StringComparison.Ordinal);
        Assert.Equal(view, await ShowCreateAsync(instance, "shop_copy", "big_spenders"));
        await using (var restored = await instance.OpenAsync("shop_copy"))
        {
            var refused = await Assert.ThrowsAsync<MySqlException>(() => ExecAsync(restored, "UPDATE big_spenders SET balance = 0"));
            Assert.Equal(1369, refused.Number);
        }
        // AUTO_INCREMENT carried over: the next id is the source's next id, after the gap left by a delete.
        await using var copy = await instance.OpenAsync("shop_copy");
        await ExecAsync(copy, "INSERT INTO customers (email, created) VALUES ('next@example.com', NOW(6))");
        Assert.Equal(203L, Convert.ToInt64(await new MySqlCommand("SELECT LAST_INSERT_ID()", copy).ExecuteScalarAsync(TestToken), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AWholeServerDumpRestoresIntoAFreshServer()
    {
        Assert.SkipUnless(File.Exists(Dump), "mariadb-dump is not installed (./test.sh installs mariadb-client)");
        await using var source = await InstanceProcess.StartAsync();
        await CreateShopAsync(source, "shop");
        await CreateShopAsync(source, "archive");

        string file = _dir.Combine("all.sql");
        var dumped = await RunShellAsync($"{Dump} {Connection(source)} --all-databases --single-transaction --routines --events --hex-blob > {file}");
        Assert.Equal("", dumped.StandardError);

        await using var target = await InstanceProcess.StartAsync();
        await RunShellAsync($"mariadb {Connection(target)} < {file}");
        await AssertSameAsync(source, "shop", target, "shop");
        await AssertSameAsync(source, "archive", target, "archive");
        foreach (var table in new[] { "general_log", "slow_log", "help_topic" })
            Assert.Equal(await ShowCreateAsync(source, "mysql", table), await ShowCreateAsync(target, "mysql", table));

        // Restoring the same dump over the existing databases works too (CREATE DATABASE IF NOT EXISTS, DROP TABLE).
        await RunShellAsync($"mariadb {Connection(target)} < {file}");
        await AssertSameAsync(source, "shop", target, "shop");
    }

    static string Connection(InstanceProcess instance) =>
        $"-h 127.0.0.1 -P {instance.Port.ToString(CultureInfo.InvariantCulture)} -u admin -p{InstanceProcess.Password} --skip-ssl";

    /// <summary>Runs a shell command line (dump and restore redirect binary files, so no text decoding in between).</summary>
    static async Task<ExternalProcess.Result> RunShellAsync(string commandLine)
    {
        var result = await ExternalProcess.RunAsync("/bin/sh", ["-c", commandLine]);
        Assert.True(result.ExitCode == 0, $"{commandLine}\n{result}");
        return result;
    }

    static async Task MariaDbAsync(InstanceProcess instance, string sql)
    {
        var result = await ExternalProcess.MariaDbAsync(instance.Port, InstanceProcess.Password, ["--skip-ssl", "-e", sql]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    static async Task ExecAsync(MySqlConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(TestToken);
    }

    static async Task CreateShopAsync(InstanceProcess instance, string database)
    {
        await MariaDbAsync(instance, $"CREATE DATABASE {database}");
        await using var c = await instance.OpenAsync(database);
        await ExecAsync(c, """
            CREATE TABLE customers (
              id INT NOT NULL AUTO_INCREMENT,
              email VARCHAR(100) NOT NULL,
              first_name VARCHAR(50) DEFAULT NULL,
              last_name VARCHAR(50) NOT NULL DEFAULT '',
              born DATE NULL,
              created DATETIME(6) NOT NULL,
              updated TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
              balance DECIMAL(12,2) NOT NULL DEFAULT 0.00,
              note TEXT,
              PRIMARY KEY (id),
              UNIQUE KEY uq_email (email),
              KEY ix_name (last_name, first_name)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """);
        await ExecAsync(c, """
            CREATE TABLE order_lines (
              order_id BIGINT NOT NULL, line SMALLINT UNSIGNED NOT NULL, sku CHAR(8) NOT NULL, qty INT NOT NULL,
              price DECIMAL(10,3) NOT NULL, weight DOUBLE NULL, ratio FLOAT NULL,
              status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new', flags SET('gift','fragile') NULL,
              shipped_at TIMESTAMP(3) NULL DEFAULT NULL, slot TIME NULL, made YEAR NULL, big BIGINT NULL, u INT UNSIGNED NULL,
              amount DECIMAL(12,3) GENERATED ALWAYS AS (qty * price) STORED, sku_lower VARCHAR(8) AS (LOWER(sku)) VIRTUAL,
              PRIMARY KEY (order_id, line), KEY ix_sku_status (sku, status), KEY ix_amount (amount)
            )
            """);
        await ExecAsync(c, """
            CREATE TABLE files (
              id INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL, body BLOB, digest VARBINARY(32), tag BINARY(4),
              doc JSON NULL, UNIQUE KEY uq_name (name)
            )
            """);
        await ExecAsync(c, "CREATE VIEW big_spenders (id, mail, balance) AS SELECT id, email, balance FROM customers WHERE balance > 100 WITH LOCAL CHECK OPTION");

        // Text with quotes, backslashes, newlines, comment markers and unicode; NULLs; edge dates; generated rows.
        // (Dates go as text: MySqlConnector sends a DateTime parameter as TIMESTAMP('...'), a function Borealis lacks.)
        await ExecAsync(c, """
            INSERT INTO customers (email, first_name, last_name, born, created, balance, note) VALUES
              ('ann@example.com', 'Ann', 'O''Brien', '1980-02-29', '2024-01-02 03:04:05.123456', 12.5, 'line1\nline2\ttab\r\n'),
              ('bob@example.com', NULL, 'Back\\slash \\n not a newline', NULL, '2024-01-02 03:04:05.000001', -99999.99, NULL),
              ('zoe@example.com', 'Zoë', 'Ünïcode 日本語 🎉', '2000-12-31', '1999-12-31 23:59:59.999999', 0, 'quote " double, `tick`'),
              ('dee@example.com', '', 'semi;colon', '1000-01-01', '9999-12-31 23:59:59.000000', 1234567890.12, '/* not a comment */ -- nor this; # nor this')
            """);
        for (int i = 0; i < 198; i++)
        {
            await ExecAsync(c, "INSERT INTO customers (email, first_name, last_name, born, created, balance) VALUES (@e, @f, @l, @b, @c, @m)",
                ("@e", $"user{i}@example.com"), ("@f", i % 7 == 0 ? null : $"First{i}"), ("@l", $"Last{i % 13}"),
                ("@b", i % 5 == 0 ? null : $"{1950 + i % 60}-{1 + i % 12:D2}-{1 + i % 28:D2}"),
                ("@c", new DateTime(2020, 1, 1).AddSeconds(i * 3601.5).ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)),
                ("@m", (i * 37.25m) - 900m));
        }
        await ExecAsync(c, "DELETE FROM customers WHERE id IN (3, 202)");

        await ExecAsync(c, """
            INSERT INTO order_lines VALUES
              (1, 1, 'SKU-0001', 2, 19.990, 1.25, 0.5, 'paid', 'gift,fragile', '2024-05-06 07:08:09.123', '13:14:15', 2024, -9223372036854775808, 4294967295, DEFAULT, DEFAULT),
              (1, 2, 'SKU-0002', -1, -0.001, NULL, NULL, 'new', '', NULL, '-838:59:59', 1901, 9223372036854775807, 0, DEFAULT, DEFAULT),
              (2, 1, 'SKU-0001', 0, 0, -1e300, 3.5, 'shipped', NULL, '1970-01-01 00:00:01.000', NULL, NULL, NULL, NULL, DEFAULT, DEFAULT)
            """);

        byte[] every = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        await ExecAsync(c, "INSERT INTO files VALUES (@i, @n, @b, @d, @t, @j)",
            ("@i", 1), ("@n", "every byte"), ("@b", every), ("@d", new byte[] { 0xFF, 0x00, 0x27, 0x22, 0x5C, 0x0A, 0x0D, 0x1A, 0xC3 }),
            ("@t", new byte[] { 0x00, 0x80, 0x5C }), ("@j", """{"a": [1, 2.5, "x\"y"], "b": null, "ü": true}"""));
        await ExecAsync(c, "INSERT INTO files VALUES (2, 'empty', '', '', NULL, NULL), (3, 'nulls', NULL, NULL, NULL, NULL)");
    }

    static async Task AssertSameAsync(InstanceProcess left, string leftDatabase, InstanceProcess right, string rightDatabase)
    {
        foreach (var (table, orderBy) in s_tables)
        {
            Assert.Equal(await ShowCreateAsync(left, leftDatabase, table), await ShowCreateAsync(right, rightDatabase, table));
            var expected = await ReadAllAsync(left, leftDatabase, table, orderBy);
            var actual = await ReadAllAsync(right, rightDatabase, table, orderBy);
            Assert.True(expected.Count > 0, $"{leftDatabase}.{table} is empty");
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
                Assert.True(expected[i].SequenceEqual(actual[i], ValueComparer.Instance), $"{table} row {i}: {Describe(expected[i])} != {Describe(actual[i])}");
        }
    }

    static async Task<string> ShowCreateAsync(InstanceProcess instance, string database, string table)
    {
        await using var c = await instance.OpenAsync(database);
        await using var reader = await new MySqlCommand($"SHOW CREATE TABLE `{table}`", c).ExecuteReaderAsync(TestToken);
        Assert.True(await reader.ReadAsync(TestToken));
        return reader.GetString(1);
    }

    static async Task<List<object?[]>> ReadAllAsync(InstanceProcess instance, string database, string table, string orderBy)
    {
        await using var c = await instance.OpenAsync(database);
        await using var reader = await new MySqlCommand($"SELECT * FROM `{table}` ORDER BY {orderBy}", c).ExecuteReaderAsync(TestToken);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(TestToken))
        {
            var row = new object?[reader.FieldCount];
            for (int i = 0; i < row.Length; i++)
                row[i] = await reader.IsDBNullAsync(i, TestToken) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    static string Describe(object?[] row) =>
        string.Join(" | ", row.Select(v => v switch { null => "NULL", byte[] b => "0x" + Convert.ToHexString(b), _ => Convert.ToString(v, CultureInfo.InvariantCulture) }));

    /// <summary>Equality of column values, byte arrays by content.</summary>
    sealed class ValueComparer : IEqualityComparer<object?>
    {
        public static readonly ValueComparer Instance = new();

        public new bool Equals(object? x, object? y) => x is byte[] a && y is byte[] b ? a.AsSpan().SequenceEqual(b) : object.Equals(x, y);

        public int GetHashCode(object? obj) => obj is byte[] b ? b.Length : obj?.GetHashCode() ?? 0;
    }
}
