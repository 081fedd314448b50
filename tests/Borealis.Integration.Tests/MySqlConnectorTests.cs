using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>MySqlConnector against a real borealis process, with text and prepared statements.</summary>
public sealed class MySqlConnectorTests : BorealisTest
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DemoSequenceReadsBackTypedValues(bool prepared)
    {
        await using var instance = await InstanceProcess.StartAsync();
        await using var connection = await instance.OpenAsync();

        await ExecuteAsync(connection, "CREATE DATABASE demo");
        await connection.ChangeDatabaseAsync("demo", TestToken);
        await ExecuteAsync(connection, "CREATE TABLE course (title VARCHAR(40), instructor VARCHAR(40), duration INT, created DATE, url VARCHAR(256))");

        var rows = new (string Title, string Instructor, int Duration, string Created)[]
        {
            ("Storage nodes", "Werner", 75, "2026-05-01"),
            ("Read replicas", "Anurag", 35, "2026-05-02"),
            ("Crash recovery", "Pat", 55, "2026-05-03"),
        };
        foreach (var row in rows)
        {
            await using var insert = new MySqlCommand("INSERT INTO course (title, instructor, duration, created, url) VALUES (@t, @i, @d, @c, NULL)", connection);
            insert.Parameters.AddWithValue("@t", row.Title);
            insert.Parameters.AddWithValue("@i", row.Instructor);
            insert.Parameters.AddWithValue("@d", row.Duration);
            insert.Parameters.AddWithValue("@c", row.Created);
            if (prepared)
                await insert.PrepareAsync(TestToken);
            Assert.Equal(1, await insert.ExecuteNonQueryAsync(TestToken));
        }

        await using var select = new MySqlCommand("SELECT title, instructor, duration, created, url FROM course WHERE duration > @min ORDER BY duration", connection);
        select.Parameters.AddWithValue("@min", 40);
        if (prepared)
            await select.PrepareAsync(TestToken);
        await using (var reader = await select.ExecuteReaderAsync(TestToken))
        {
            Assert.True(await reader.ReadAsync(TestToken));
            Assert.Equal("Crash recovery", reader.GetString(0));
            Assert.Equal(55, reader.GetInt32(2));
            Assert.Equal(typeof(int), reader.GetFieldType(2));
            Assert.Equal(new DateTime(2026, 5, 3), reader.GetDateTime(3));
            Assert.True(await reader.IsDBNullAsync(4, TestToken));
            Assert.True(await reader.ReadAsync(TestToken));
            Assert.Equal("Storage nodes", reader.GetString(0));
            Assert.False(await reader.ReadAsync(TestToken));
        }

        await using var count = new MySqlCommand("SELECT COUNT(*) FROM course", connection);
        Assert.Equal(3L, Convert.ToInt64(await count.ExecuteScalarAsync(TestToken), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ADuplicateKeyReports1062AndTheSessionGoesOn()
    {
        await using var instance = await InstanceProcess.StartAsync();
        await using var connection = await instance.OpenAsync();
        await ExecuteAsync(connection, "CREATE DATABASE shop");
        await connection.ChangeDatabaseAsync("shop", TestToken);
        await ExecuteAsync(connection, "CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(20))");
        await ExecuteAsync(connection, "INSERT INTO item VALUES (1, 'one')");

        var error = await Assert.ThrowsAsync<MySqlException>(() => ExecuteAsync(connection, "INSERT INTO item VALUES (1, 'again')"));
        Assert.Equal(MySqlErrorCode.DuplicateKeyEntry, error.ErrorCode);
        Assert.Equal("23000", error.SqlState);

        await using var check = new MySqlCommand("SELECT name FROM item WHERE id = 1", connection);
        Assert.Equal("one", await check.ExecuteScalarAsync(TestToken));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheSchemaOfAResultSaysWhichColumnsCanBeNull(bool prepared)
    {
        await using var instance = await InstanceProcess.StartAsync();
        await using var connection = await instance.OpenAsync();
        await ExecuteAsync(connection, "CREATE DATABASE shop");
        await connection.ChangeDatabaseAsync("shop", TestToken);
        await ExecuteAsync(connection, "CREATE TABLE customer (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)");
        await ExecuteAsync(connection, "CREATE TABLE purchase (id INT PRIMARY KEY, customer_id INT NOT NULL, total INT NOT NULL)");
        await ExecuteAsync(connection, "INSERT INTO customer VALUES (1, 'ann'), (2, 'bob')");
        await ExecuteAsync(connection, "INSERT INTO purchase VALUES (10, 1, 99)");

        // A driver that trusts NOT_NULL (AllowDBNull false) for p.total would not expect bob's NULL.
        await using var command = new MySqlCommand(
            "SELECT c.name, p.total, COUNT(*) FROM customer c LEFT JOIN purchase p ON p.customer_id = c.id GROUP BY c.name, p.total ORDER BY c.name", connection);
        if (prepared)
            await command.PrepareAsync(TestToken);
        await using var reader = await command.ExecuteReaderAsync(TestToken);
        var schema = await reader.GetColumnSchemaAsync(TestToken);
        Assert.Equal([false, true, false], schema.Select(c => c.AllowDBNull));
        Assert.True(await reader.ReadAsync(TestToken));
        Assert.Equal(99, reader.GetInt32(1));
        Assert.True(await reader.ReadAsync(TestToken));
        Assert.Equal("bob", reader.GetString(0));
        Assert.True(await reader.IsDBNullAsync(1, TestToken));
    }

    static async Task ExecuteAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
