using System.Collections.Concurrent;
using System.Diagnostics;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// Clients inserting rows with unique ids into <c>fo.row</c> (autocommit) until stopped, reconnecting after any
/// error. An insert that fails is retried with the same id until it is decided: OK, or 1062 on a retry (the earlier
/// attempt committed before its OK was lost). Only decided inserts count as acknowledged; the one in flight when the
/// load stops is in doubt. Client <c>c</c> uses the ids <c>c * 1,000,000 + 1, 2, ...</c>.
/// </summary>
internal sealed class UniqueInsertLoad : IAsyncDisposable
{
    public const string CreateTable = "CREATE DATABASE IF NOT EXISTS fo; CREATE TABLE IF NOT EXISTS fo.row (id BIGINT NOT NULL PRIMARY KEY, client INT NOT NULL)";

    const long IdsPerClient = 1_000_000;

    /// <summary>Acknowledged ids, with when (a <see cref="Stopwatch"/> timestamp) the acknowledgement arrived.</summary>
    readonly ConcurrentDictionary<long, long> _acknowledged = new();
    readonly ConcurrentDictionary<long, bool> _inDoubt = new();
    readonly ConcurrentQueue<string> _anomalies = new();
    readonly CancellationTokenSource _stop = new();
    readonly Task[] _clients;
    int _errors;
    int _decidedByDuplicate;

    public UniqueInsertLoad(Func<string> connectionString, int clients = 4)
    {
        _clients = [.. Enumerable.Range(1, clients).Select(c => Task.Run(() => RunClientAsync(c, connectionString)))];
    }

    public int Acknowledged => _acknowledged.Count;

    /// <summary>Failed attempts (each retried with the same id).</summary>
    public int Errors => Volatile.Read(ref _errors);

    /// <summary>Retries answered 1062: the first attempt had committed, its OK was lost.</summary>
    public int DecidedByDuplicate => Volatile.Read(ref _decidedByDuplicate);

    public IReadOnlyCollection<long> AcknowledgedIds => [.. _acknowledged.Keys];

    /// <summary>Ids whose insert was still undecided when the load stopped (at most one per client).</summary>
    public IReadOnlyCollection<long> InDoubt => [.. _inDoubt.Keys];

    /// <summary>What must never happen: a first attempt answered 1062.</summary>
    public IReadOnlyCollection<string> Anomalies => [.. _anomalies];

    /// <summary>How many acknowledgements arrived after <paramref name="timestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public int AcknowledgedAfter(long timestamp) => _acknowledged.Values.Count(t => t > timestamp);

    /// <summary>
    /// The longest time without any acknowledgement, from the last one before <paramref name="timestamp"/> (a
    /// <see cref="Stopwatch"/> timestamp) on: how long commits stopped around a failure.
    /// </summary>
    public TimeSpan LongestGapAfter(long timestamp)
    {
        var times = _acknowledged.Values.Order().ToList();
        int from = Math.Max(0, times.FindIndex(t => t > timestamp) - 1);
        var longest = TimeSpan.Zero;
        for (int i = from + 1; i < times.Count; i++)
        {
            var gap = Stopwatch.GetElapsedTime(times[i - 1], times[i]);
            longest = gap > longest ? gap : longest;
        }
        return longest;
    }

    async Task RunClientAsync(int client, Func<string> connectionString)
    {
        long id = client * IdsPerClient;
        MySqlConnection? connection = null;
        while (!_stop.IsCancellationRequested)
        {
            id++;
            bool retry = false;
            while (true)
            {
                try
                {
                    if (connection is null)
                    {
                        connection = new MySqlConnection(connectionString());
                        await connection.OpenAsync(_stop.Token);
                    }
                    await using var insert = new MySqlCommand("INSERT INTO fo.row (id, client) VALUES (@id, @client)", connection);
                    insert.Parameters.AddWithValue("@id", id);
                    insert.Parameters.AddWithValue("@client", client);
                    await insert.ExecuteNonQueryAsync(CancellationToken.None);
                    _acknowledged[id] = Stopwatch.GetTimestamp();
                    _inDoubt.TryRemove(id, out _);
                    break;
                }
                catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
                {
                    if (retry)
                        Interlocked.Increment(ref _decidedByDuplicate);
                    else
                        _anomalies.Enqueue($"id {id}: 1062 on its first attempt ({ex.Message})");
                    _acknowledged[id] = Stopwatch.GetTimestamp();
                    _inDoubt.TryRemove(id, out _);
                    break;
                }
                catch (Exception ex) when (ex is MySqlException or IOException or System.Net.Sockets.SocketException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
                {
                    // Lost before the OK (or refused): the outcome is unknown until a retry decides it.
                    _inDoubt[id] = true;
                    retry = true;
                    Interlocked.Increment(ref _errors);
                    if (connection is not null)
                        await connection.DisposeAsync();
                    connection = null;
                    if (_stop.IsCancellationRequested)
                        break;
                    try
                    {
                        await Task.Delay(50, _stop.Token); // back off before reconnecting (pacing, not synchronisation)
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }
        }
        if (connection is not null)
            await connection.DisposeAsync();
    }

    /// <summary>Stops the clients; an insert still undecided stays in doubt.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    /// <summary>
    /// Reads every id through <paramref name="connection"/> and checks: no id twice, every acknowledged id present,
    /// nothing present that was not inserted (only acknowledged or in-doubt ids). Returns the ids present.
    /// </summary>
    public async Task<HashSet<long>> VerifyAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        var present = new HashSet<long>();
        long rows = 0;
        await using (var reader = await new MySqlCommand("SELECT id FROM fo.row", connection).ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                present.Add(reader.GetInt64(0));
                rows++;
            }
        }
        Assert.True(rows == present.Count, $"{rows} rows but {present.Count} distinct ids");
        var missing = _acknowledged.Keys.Where(k => !present.Contains(k)).Order().Take(10).ToList();
        Assert.True(missing.Count == 0, $"acknowledged rows lost: {string.Join(", ", missing)} ({_acknowledged.Count} acknowledged, {present.Count} present)");
        var unexpected = present.Where(k => !_acknowledged.ContainsKey(k) && !_inDoubt.ContainsKey(k)).Take(10).ToList();
        Assert.True(unexpected.Count == 0, $"rows present that no client inserted: {string.Join(", ", unexpected)}");
        Assert.Empty(Anomalies);
        return present;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
