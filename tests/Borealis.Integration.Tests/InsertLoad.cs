using System.Collections.Concurrent;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// Clients committing 2-row transactions into <c>load.entry</c> until stopped, reconnecting after any error. Each
/// transaction is recorded as acknowledged only when COMMIT returned OK; an error leaves it in doubt. The check
/// afterwards: every acknowledged transaction is present whole, and no transaction is present in part.
/// </summary>
internal sealed class InsertLoad : IAsyncDisposable
{
    public const string CreateTable =
        "CREATE DATABASE IF NOT EXISTS load; CREATE TABLE IF NOT EXISTS load.entry (client INT NOT NULL, txn INT NOT NULL, part INT NOT NULL, PRIMARY KEY (client, txn, part))";

    readonly ConcurrentDictionary<(int Client, int Txn), bool> _acknowledged = new();
    readonly CancellationTokenSource _stop = new();
    readonly Task[] _clients;
    int _errors;

    public InsertLoad(Func<string> connectionString, int clients = 4)
    {
        _clients = [.. Enumerable.Range(0, clients).Select(c => Task.Run(() => RunClientAsync(c, connectionString)))];
    }

    public int Acknowledged => _acknowledged.Count;

    /// <summary>Statements that failed (the transaction is then in doubt, never counted as acknowledged).</summary>
    public int Errors => Volatile.Read(ref _errors);

    async Task RunClientAsync(int client, Func<string> connectionString)
    {
        int txn = 0;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = new MySqlConnection(connectionString());
                await connection.OpenAsync(_stop.Token);
                while (!_stop.IsCancellationRequested)
                {
                    txn++;
                    await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
                    for (int part = 0; part < 2; part++)
                    {
                        await using var insert = new MySqlCommand("INSERT INTO load.entry VALUES (@c, @t, @p)", connection, transaction);
                        insert.Parameters.AddWithValue("@c", client);
                        insert.Parameters.AddWithValue("@t", txn);
                        insert.Parameters.AddWithValue("@p", part);
                        await insert.ExecuteNonQueryAsync(CancellationToken.None);
                    }
                    await transaction.CommitAsync(CancellationToken.None);
                    _acknowledged[(client, txn)] = true;
                }
            }
            catch (Exception ex) when (ex is MySqlException or IOException or System.Net.Sockets.SocketException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
            {
                Interlocked.Increment(ref _errors);
                try
                {
                    await Task.Delay(100, _stop.Token); // back off before reconnecting (pacing, not synchronisation)
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    /// <summary>Stops the clients (an in-flight transaction stays in doubt).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    /// <summary>Reads the table through <paramref name="connection"/> and checks both rules; returns the transactions present.</summary>
    public async Task<int> VerifyAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var present = new Dictionary<(int, int), int>();
        await using (var reader = await new MySqlCommand("SELECT client, txn, COUNT(*) FROM load.entry GROUP BY client, txn", connection).ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                present[(reader.GetInt32(0), reader.GetInt32(1))] = reader.GetInt32(2);
        }
        foreach (var (key, parts) in present)
            Assert.True(parts == 2, $"transaction {key} is partly visible ({parts} of 2 rows)");
        var missing = _acknowledged.Keys.Where(k => !present.ContainsKey(k)).Take(5).ToList();
        Assert.True(missing.Count == 0, $"acknowledged transactions lost: {string.Join(", ", missing)} ({_acknowledged.Count} acknowledged, {present.Count} present)");
        return present.Count;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
