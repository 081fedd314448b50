using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>Readers never block the writer, and a read transaction sees one snapshot.</summary>
public sealed class ConcurrencyTests : BorealisTest
{
    [Fact]
    public async Task ALongReadTransactionDoesNotBlockCommitsAndKeepsItsSnapshot()
    {
        await using var instance = await InstanceProcess.StartAsync();
        await using var writer = await instance.OpenAsync();
        await ExecAsync(writer, "CREATE DATABASE s");
        await ExecAsync(writer, "CREATE TABLE s.t (id INT PRIMARY KEY, v INT)");
        await ExecAsync(writer, "INSERT INTO s.t VALUES (1, 10), (2, 20)");

        await using var reader = await instance.OpenAsync();
        await ExecAsync(reader, "START TRANSACTION");
        Assert.Equal(30L, await ScalarAsync(reader, "SELECT SUM(v) FROM s.t"));

        // The writer commits 50 transactions while the read transaction is open; each must complete promptly.
        for (int i = 3; i < 53; i++)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await using var insert = new MySqlCommand($"INSERT INTO s.t VALUES ({i}, 1)", writer);
            await insert.ExecuteNonQueryAsync(deadline.Token);
        }
        await ExecAsync(writer, "UPDATE s.t SET v = 0 WHERE id = 1");

        // Same snapshot inside the transaction: neither the inserts nor the update are visible.
        Assert.Equal(30L, await ScalarAsync(reader, "SELECT SUM(v) FROM s.t"));
        Assert.Equal(2L, await ScalarAsync(reader, "SELECT COUNT(*) FROM s.t"));
        await ExecAsync(reader, "COMMIT");

        Assert.Equal(70L, await ScalarAsync(reader, "SELECT SUM(v) FROM s.t"));
        Assert.Equal(52L, await ScalarAsync(reader, "SELECT COUNT(*) FROM s.t"));
    }

    static async Task ExecAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    static async Task<long> ScalarAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
