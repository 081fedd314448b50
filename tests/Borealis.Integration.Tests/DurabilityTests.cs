using System.Collections.Concurrent;
using Borealis.Engine;
using Borealis.Testing;
using Borealis.Volume;
using MySqlConnector;
using SQLitePCL;

namespace Borealis.Integration.Tests;

/// <summary>
/// Nothing acknowledged is ever lost: clients commit 3-row transactions continuously, the process is killed with
/// SIGKILL at a random moment, and after restart every acknowledged transaction is there whole and no transaction
/// is there in part. Repeated over the same volume, then the SQLite image is checked for integrity.
/// </summary>
public sealed class DurabilityTests : BorealisTest
{
    const int Clients = 4;
    const int RowsPerTransaction = 3;

    [Fact]
    public async Task AcknowledgedTransactionsSurviveSigkillAndNoneIsPartlyVisible()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        await using var instance = await InstanceProcess.StartAsync();
        await using (var setup = await instance.OpenAsync())
        {
            await new MySqlCommand("CREATE DATABASE bank", setup).ExecuteNonQueryAsync(TestToken);
            await new MySqlCommand("CREATE TABLE bank.entry (client INT NOT NULL, txn INT NOT NULL, part INT NOT NULL, note VARCHAR(100), PRIMARY KEY (client, txn, part))", setup).ExecuteNonQueryAsync(TestToken);
        }

        var acknowledged = new ConcurrentBag<(int Client, int Txn)>();
        int nextTxn = 0;
        for (int round = 0; round < 3; round++)
        {
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
            {
                try
                {
                    await using var connection = await instance.OpenAsync("bank");
                    while (!stop.IsCancellationRequested)
                    {
                        int txn = Interlocked.Increment(ref nextTxn);
                        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
                        for (int part = 0; part < RowsPerTransaction; part++)
                        {
                            await using var insert = new MySqlCommand("INSERT INTO entry VALUES (@c, @t, @p, @n)", connection, transaction);
                            insert.Parameters.AddWithValue("@c", client);
                            insert.Parameters.AddWithValue("@t", txn);
                            insert.Parameters.AddWithValue("@p", part);
                            insert.Parameters.AddWithValue("@n", new string('x', 20 + (txn % 50)));
                            await insert.ExecuteNonQueryAsync(CancellationToken.None);
                        }
                        await transaction.CommitAsync(CancellationToken.None);
                        acknowledged.Add((client, txn));
                    }
                }
                catch (Exception ex) when (ex is MySqlException or IOException or System.Net.Sockets.SocketException or InvalidOperationException or ObjectDisposedException)
                {
                    // The kill: this client's in-flight transaction is in doubt and was not acknowledged.
                }
            }, TestToken)).ToArray();

            await Eventually.AssertAsync(() => acknowledged.Count >= 20 * (round + 1), because: "clients are committing");
            await Task.Delay(random.Next(0, 300), TestToken); // a random moment within the load, not synchronisation
            await instance.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(clients);
            await instance.RestartAsync();

            await using var check = await instance.OpenAsync("bank");
            var present = new Dictionary<(int, int), int>();
            await using (var reader = await new MySqlCommand("SELECT client, txn, COUNT(*) FROM entry GROUP BY client, txn", check).ExecuteReaderAsync(TestToken))
            {
                while (await reader.ReadAsync(TestToken))
                    present[(reader.GetInt32(0), reader.GetInt32(1))] = reader.GetInt32(2);
            }
            foreach (var (key, parts) in present)
                Assert.True(parts == RowsPerTransaction, $"seed {seed}: transaction {key} is partly visible ({parts} of {RowsPerTransaction} rows)");
            var lost = acknowledged.Where(a => !present.ContainsKey(a)).ToList();
            Assert.True(lost.Count == 0, $"seed {seed}: {lost.Count} acknowledged transactions lost, e.g. {string.Join(", ", lost.Take(5))}");
        }

        await instance.StopAsync();
        Assert.Equal("ok", await IntegrityCheckAsync(instance.VolumeDirectory));
    }

    /// <summary>Opens the stopped instance's volume in this process and runs SQLite's integrity check over every schema.</summary>
    internal static async Task<string> IntegrityCheckAsync(string volumeDirectory)
    {
        await using var volume = await LocalVolume.OpenAsync(volumeDirectory, new LocalVolumeOptions(), TestContext.Current.CancellationToken);
        await using var database = Database.Open(volume);
        using var connection = database.OpenConnection();
        var results = new List<string>();
        raw.sqlite3_prepare_v2(connection.Handle, "PRAGMA integrity_check", out var statement);
        using (statement)
        {
            while (raw.sqlite3_step(statement) == raw.SQLITE_ROW)
                results.Add(raw.sqlite3_column_text(statement, 0).utf8_to_string());
        }
        return string.Join("; ", results);
    }
}
