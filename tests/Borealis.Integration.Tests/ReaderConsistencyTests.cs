using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// Issue 6: readers never show a partially applied transaction and show every commit soon after the writer's OK.
/// A real cluster (<c>up --readers 2</c>); writer clients move money between 50 accounts through the cluster
/// endpoint (interactive and multi-statement transactions, some over three rows, some rolled back on purpose), and
/// each committed transfer bumps a one-row <c>seq</c> marker and inserts one history row in the same transaction.
/// Reader clients on the reader endpoint check, in read transactions, that the total and the account count never
/// change, that there are exactly <c>seq</c> history rows, and that <c>seq</c> never goes back on a connection; a
/// probe measures how long each reader takes to show an acknowledged <c>seq</c>.
/// </summary>
public sealed class ReaderConsistencyTests : BorealisTest
{
    const int Accounts = 50;
    const long InitialBalance = 1_000;
    const long Total = Accounts * InitialBalance;
    const int WriterClients = 3;
    const int TransactionsPerWriter = 120;
    /// <summary>Consistency checkers per reader (on the reader endpoint).</summary>
    const int CheckersPerReader = 3;

    /// <summary>Far above the lag target (that is the benchmark's business): a commit a reader never shows fails here.</summary>
    static readonly TimeSpan s_visibilityDeadline = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Rows padded to a page each: a transfer changes several pages, so that a reader that applied a commit's
    /// records one by one would show states between them.
    /// </summary>
    static readonly string s_pad = new('p', 2_500);

    readonly Lock _ackLock = new();
    readonly long[] _expected = Enumerable.Repeat(InitialBalance, Accounts).ToArray();
    long _ackedSeq;
    long _ackedAt;
    int _committed;
    int _rolledBack;

    [Fact]
    public async Task ReadersNeverSeeAPartialTransferAndShowEveryCommitWithinTheDeadline()
    {
        var elapsed = Stopwatch.StartNew();
        await using var cluster = await ClusterProcess.UpAsync(readers: 2);
        try
        {
            await using (var setup = await ClusterProcess.OpenAsync(cluster.Port))
            {
                Assert.Equal(("instance-1", false), await ClusterProcess.IdentityAsync(setup));
                await ExecuteAsync(setup,
                    "CREATE DATABASE bank; "
                    + "CREATE TABLE bank.account (id INT PRIMARY KEY, balance BIGINT NOT NULL, pad VARCHAR(3000) NOT NULL); "
                    + "CREATE TABLE bank.marker (id INT PRIMARY KEY, seq BIGINT NOT NULL); "
                    + "CREATE TABLE bank.history (seq BIGINT PRIMARY KEY, src INT NOT NULL, dst INT NOT NULL, amount BIGINT NOT NULL); "
                    + "INSERT INTO bank.marker VALUES (1, 0)");
                for (int id = 0; id < Accounts; id++)
                    await ExecuteAsync(setup, $"INSERT INTO bank.account VALUES ({id}, {InitialBalance}, '{s_pad}')");
            }

            // Checkers: connections through the reader endpoint, each really to a reader, CheckersPerReader per reader.
            // Probes: one connection to each reader's own endpoint.
            var checkers = await OpenReaderConnectionsAsync(cluster.ReaderPort, CheckersPerReader);
            var probes = new Dictionary<string, MySqlConnection>();
            try
            {
                Assert.Equal(["instance-2", "instance-3"], checkers.Values.Distinct().Order());
                foreach (var id in new[] { "instance-2", "instance-3" })
                {
                    var instance = await cluster.InstanceAsync(id);
                    Assert.Equal("reader", instance.GetProperty("role").GetString());
                    probes[id] = await ClusterProcess.OpenAsync(instance.GetProperty("port").GetInt32());
                    Assert.Equal((id, true), await ClusterProcess.IdentityAsync(probes[id]));
                    await Eventually.AssertAsync(async () => await ClusterProcess.ScalarAsync<long>(probes[id], "SELECT COUNT(*) FROM bank.account") == Accounts,
                        because: $"{id} shows the accounts");
                }

                using var writersDone = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
                var checks = new ConcurrentDictionary<string, CheckStats>();
                var delays = new ConcurrentBag<(string Reader, double Ms)>();
                var checking = checkers.Select(c => Task.Run(() => CheckContinuouslyAsync(c.Key, c.Value, cluster.ReaderPort, checks, writersDone.Token))).ToList();
                var probing = probes.Select(p => Task.Run(() => ProbeVisibilityAsync(p.Value, p.Key, delays, writersDone.Token))).ToList();
                var load = Stopwatch.StartNew();
                var writing = Enumerable.Range(0, WriterClients).Select(w => Task.Run(() => TransferAsync(cluster.Port, w))).ToList();
                try
                {
                    await Task.WhenAll(writing);
                }
                finally
                {
                    await writersDone.CancelAsync();
                }
                double writeSeconds = load.Elapsed.TotalSeconds;
                await Task.WhenAll(probing);
                var reconnects = await Task.WhenAll(checking);

                // Every acknowledged transfer is there, on the writer and on each reader: the exact balances, seq and history.
                long finalSeq = _ackedSeq;
                Assert.Equal(_committed, finalSeq);
                await using (var writer = await ClusterProcess.OpenAsync(cluster.Port))
                    Assert.Equal(_expected, await BalancesAsync(writer));
                foreach (var (id, probe) in probes)
                {
                    await Eventually.AssertAsync(async () => await ClusterProcess.ScalarAsync<long>(probe, "SELECT seq FROM bank.marker WHERE id = 1") == finalSeq,
                        s_visibilityDeadline, $"{id} shows the last commit");
                    Assert.Equal(_expected, await BalancesAsync(probe));
                    Assert.Equal(finalSeq, await ClusterProcess.ScalarAsync<long>(probe, "SELECT COUNT(*) FROM bank.history"));
                }

                // The checks ran while the writes went on and saw many states, on both readers.
                Assert.Equal(["instance-2", "instance-3"], checks.Keys.Order());
                foreach (var (reader, stats) in checks)
                {
                    Assert.True(stats.Checks >= 20, $"{reader}: only {stats.Checks} checks");
                    Assert.True(stats.DistinctSeqs >= 10, $"{reader}: only {stats.DistinctSeqs} distinct seq values seen");
                }
                Assert.Equal(["instance-2", "instance-3"], delays.Select(d => d.Reader).Distinct().Order());

                var output = TestContext.Current.TestOutputHelper;
                output?.WriteLine($"{_committed} transfers committed, {_rolledBack} rolled back, by {WriterClients} clients in {writeSeconds:0.0} s");
                foreach (var (reader, stats) in checks.OrderBy(c => c.Key))
                    output?.WriteLine($"{reader}: {stats.Checks} consistent read transactions, {stats.DistinctSeqs} distinct seq values");
                output?.WriteLine($"reader-endpoint connections lost and reopened: {reconnects.Sum()}");
                foreach (var group in delays.GroupBy(d => d.Reader).OrderBy(g => g.Key))
                {
                    var sorted = group.Select(d => d.Ms).Order().ToList();
                    output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{group.Key}: visibility after the writer's OK over {sorted.Count} probes: median {sorted[sorted.Count / 2]:0.0} ms, worst {sorted[^1]:0.0} ms"));
                }
                output?.WriteLine($"test ran {elapsed.Elapsed.TotalSeconds:0.0} s");
            }
            finally
            {
                foreach (var connection in checkers.Keys.Concat(probes.Values))
                    await connection.DisposeAsync();
            }
        }
        catch (Exception ex)
        {
            throw LocalClusterCli.WithLogTails(cluster.Data, ex);
        }
    }

    /// <summary>
    /// Connections through the reader endpoint until each of the two readers has <paramref name="perReader"/>; each
    /// connection with the @@aurora_server_id it answers. Every one must be a reader (read-only, not the writer).
    /// </summary>
    static async Task<Dictionary<MySqlConnection, string>> OpenReaderConnectionsAsync(int readerPort, int perReader)
    {
        var connections = new Dictionary<MySqlConnection, string>();
        while (connections.Values.CountBy(id => id).Count(c => c.Value >= perReader) < 2)
        {
            Assert.True(connections.Count < 4 * perReader, $"the reader endpoint does not balance over both readers: {string.Join(", ", connections.Values)}");
            var connection = await ClusterProcess.OpenAsync(readerPort);
            var (id, readOnly) = await ClusterProcess.IdentityAsync(connection);
            connections[connection] = id;
            // The writer only stands in while no reader is healthy; the cluster waited for both.
            Assert.True(readOnly, $"the reader endpoint led to {id}, which is not read-only");
            Assert.NotEqual("instance-1", id);
        }
        return connections;
    }

    /// <summary>One writer client: committed transfers of several shapes, and rolled-back ones, until its quota is done.</summary>
    async Task TransferAsync(int port, int client)
    {
        var random = new Random(1_000 + client);
        await using var connection = await ClusterProcess.OpenAsync(port);
        for (int i = 0; i < TransactionsPerWriter; i++)
        {
            int src = random.Next(Accounts);
            int dst = (src + 1 + random.Next(Accounts - 1)) % Accounts;
            long amount = random.Next(1, 200);
            switch (random.Next(6))
            {
                case 0:
                    // Rolled back after changing one side of the transfer and the marker: a reader must never see it.
                    await using (var transaction = await connection.BeginTransactionAsync(TestToken))
                    {
                        await ExecuteAsync(connection, $"UPDATE bank.account SET balance = balance - {amount} WHERE id = {src}", transaction);
                        await ExecuteAsync(connection, "UPDATE bank.marker SET seq = seq + 1 WHERE id = 1", transaction);
                        await transaction.RollbackAsync(TestToken);
                    }
                    Interlocked.Increment(ref _rolledBack);
                    break;
                case 1:
                    // One round trip: the whole transaction as a multi-statement query.
                    {
                        long seq = await ClusterProcess.ScalarAsync<long>(connection,
                            $"START TRANSACTION; "
                            + $"UPDATE bank.account SET balance = balance - {amount} WHERE id = {src}; "
                            + $"UPDATE bank.account SET balance = balance + {amount} WHERE id = {dst}; "
                            + "UPDATE bank.marker SET seq = seq + 1 WHERE id = 1; "
                            + $"INSERT INTO bank.history (seq, src, dst, amount) SELECT seq, {src}, {dst}, {amount} FROM bank.marker WHERE id = 1; "
                            + "SELECT seq FROM bank.marker WHERE id = 1; COMMIT");
                        Acknowledge(seq, (src, -amount), (dst, amount));
                    }
                    break;
                case 2:
                    // Several rows (3 to 8, a page each) in one statement: one pays, the others receive.
                    {
                        var ids = Enumerable.Range(0, Accounts).OrderBy(_ => random.Next()).Take(random.Next(3, 9)).ToArray();
                        var changes = ids.Select((id, k) => (id, k == 0 ? -amount * (ids.Length - 1) : amount)).ToArray();
                        await using var transaction = await connection.BeginTransactionAsync(TestToken);
                        await ExecuteAsync(connection,
                            $"UPDATE bank.account SET balance = balance + CASE id {string.Concat(changes.Select(c => $"WHEN {c.Item1} THEN {c.Item2} "))}END "
                            + $"WHERE id IN ({string.Join(", ", ids)})", transaction);
                        long seq = await BumpSeqAsync(connection, transaction, ids[0], ids[1], amount);
                        await transaction.CommitAsync(TestToken);
                        Acknowledge(seq, changes);
                    }
                    break;
                case 3:
                    // Every account (a page each): one pays all the others.
                    {
                        await using var transaction = await connection.BeginTransactionAsync(TestToken);
                        await ExecuteAsync(connection,
                            $"UPDATE bank.account SET balance = balance + CASE WHEN id = {src} THEN {-amount * (Accounts - 1)} ELSE {amount} END", transaction);
                        long seq = await BumpSeqAsync(connection, transaction, src, dst, amount);
                        await transaction.CommitAsync(TestToken);
                        Acknowledge(seq, [.. Enumerable.Range(0, Accounts).Select(id => (id, id == src ? -amount * (Accounts - 1) : amount))]);
                    }
                    break;
                default:
                    // Interactive: a statement per row.
                    {
                        await using var transaction = await connection.BeginTransactionAsync(TestToken);
                        await ExecuteAsync(connection, $"UPDATE bank.account SET balance = balance - {amount} WHERE id = {src}", transaction);
                        await ExecuteAsync(connection, $"UPDATE bank.account SET balance = balance + {amount} WHERE id = {dst}", transaction);
                        long seq = await BumpSeqAsync(connection, transaction, src, dst, amount);
                        await transaction.CommitAsync(TestToken);
                        Acknowledge(seq, (src, -amount), (dst, amount));
                    }
                    break;
            }
        }
    }

    static async Task<long> BumpSeqAsync(MySqlConnection connection, MySqlTransaction transaction, int src, int dst, long amount)
    {
        await ExecuteAsync(connection, "UPDATE bank.marker SET seq = seq + 1 WHERE id = 1", transaction);
        await using var select = new MySqlCommand("SELECT seq FROM bank.marker WHERE id = 1", connection, transaction);
        long seq = Convert.ToInt64(await select.ExecuteScalarAsync(TestToken), CultureInfo.InvariantCulture);
        await ExecuteAsync(connection, $"INSERT INTO bank.history VALUES ({seq}, {src}, {dst}, {amount})", transaction);
        return seq;
    }

    /// <summary>The writer said OK to the transaction that set <paramref name="seq"/>.</summary>
    void Acknowledge(long seq, params (int Account, long Delta)[] changes)
    {
        lock (_ackLock)
        {
            foreach (var (account, delta) in changes)
                _expected[account] += delta;
            _committed++;
            if (seq > _ackedSeq)
            {
                _ackedSeq = seq;
                _ackedAt = Stopwatch.GetTimestamp();
            }
        }
    }

    sealed class CheckStats
    {
        public int Checks;
        public readonly HashSet<long> Seqs = [];

        public int DistinctSeqs => Seqs.Count;
    }

    /// <summary>
    /// Read transactions on one reader-endpoint connection until the writers are done: the total and the account count
    /// are fixed, the history has exactly <c>seq</c> rows, and <c>seq</c> never goes back on a connection. Alternates a
    /// multi-statement read transaction with a single statement of subqueries. A connection the router closes (it
    /// does when the control plane finds the reader unhealthy, e.g. a probe timing out under load) is replaced by a
    /// new one through the reader endpoint to the same reader. Returns how many were replaced.
    /// </summary>
    static async Task<int> CheckContinuouslyAsync(MySqlConnection connection, string reader, int readerPort, ConcurrentDictionary<string, CheckStats> all, CancellationToken writersDone)
    {
        int reconnects = 0;
        long last = -1;
        int round = 0;
        while (!writersDone.IsCancellationRequested)
        {
            (long Seq, long Count, long Sum, long History) seen;
            try
            {
                seen = await CheckOnceAsync(connection, round++ % 2 == 0);
            }
            catch (MySqlException) when (connection.State != System.Data.ConnectionState.Open)
            {
                // Lost: the seq of a new connection starts afresh.
                reconnects++;
                await connection.DisposeAsync();
                connection = await ReopenReaderAsync(readerPort, reader);
                last = -1;
                continue;
            }
            Assert.True(seen.Count == Accounts && seen.Sum == Total && seen.History == seen.Seq,
                $"{reader} showed a partial transaction: {seen.Count} accounts, total {seen.Sum} (expected {Accounts}, {Total}), {seen.History} history rows at seq {seen.Seq}");
            Assert.True(seen.Seq >= last, $"{reader}: seq went back from {last} to {seen.Seq} on one connection");
            last = seen.Seq;
            var stats = all.GetOrAdd(reader, _ => new CheckStats());
            lock (stats)
            {
                stats.Checks++;
                stats.Seqs.Add(seen.Seq);
            }
        }
        await connection.DisposeAsync();
        return reconnects;
    }

    static async Task<(long Seq, long Count, long Sum, long History)> CheckOnceAsync(MySqlConnection connection, bool transaction)
    {
        if (transaction)
        {
            await ExecuteAsync(connection, "START TRANSACTION READ ONLY");
            long seq = await ClusterProcess.ScalarAsync<long>(connection, "SELECT seq FROM bank.marker WHERE id = 1");
            var (count, sum) = await PairAsync(connection, "SELECT COUNT(*), SUM(balance) FROM bank.account");
            long history = await ClusterProcess.ScalarAsync<long>(connection, "SELECT COUNT(*) FROM bank.history");
            await ExecuteAsync(connection, "COMMIT");
            return (seq, count, sum, history);
        }
        await using var command = new MySqlCommand(
            "SELECT (SELECT seq FROM bank.marker WHERE id = 1), (SELECT COUNT(*) FROM bank.account), (SELECT SUM(balance) FROM bank.account), (SELECT COUNT(*) FROM bank.history)",
            connection);
        await using var result = await command.ExecuteReaderAsync(TestToken);
        Assert.True(await result.ReadAsync(TestToken));
        return (Long(result.GetValue(0)), Long(result.GetValue(1)), Long(result.GetValue(2)), Long(result.GetValue(3)));
    }

    /// <summary>
    /// A new reader-endpoint connection to <paramref name="reader"/>: connections are opened until the router leads
    /// one there (it does again once the control plane finds the reader healthy).
    /// </summary>
    static async Task<MySqlConnection> ReopenReaderAsync(int readerPort, string reader)
    {
        MySqlConnection? found = null;
        await Eventually.AssertAsync(async () =>
        {
            var connection = await ClusterProcess.OpenAsync(readerPort);
            if (await ClusterProcess.IdentityAsync(connection) == (reader, true))
            {
                found = connection;
                return true;
            }
            await connection.DisposeAsync();
            return false;
        }, because: $"the reader endpoint leads to {reader} again");
        return found!;
    }

    /// <summary>
    /// Until the writers are done: takes the newest acknowledged <c>seq</c> and polls this reader until it shows it
    /// (at most <see cref="s_visibilityDeadline"/> after the OK), recording the delay.
    /// </summary>
    async Task ProbeVisibilityAsync(MySqlConnection connection, string reader, ConcurrentBag<(string, double)> delays, CancellationToken writersDone)
    {
        long probed = 0;
        while (!writersDone.IsCancellationRequested)
        {
            long seq, at;
            lock (_ackLock)
                (seq, at) = (_ackedSeq, _ackedAt);
            if (seq <= probed)
            {
                await Task.Delay(1, CancellationToken.None); // pacing: nothing new acknowledged yet
                continue;
            }
            while (await ClusterProcess.ScalarAsync<long>(connection, "SELECT seq FROM bank.marker WHERE id = 1") < seq)
            {
                Assert.True(Stopwatch.GetElapsedTime(at) < s_visibilityDeadline, $"{reader} did not show seq {seq} within {s_visibilityDeadline.TotalSeconds:0} s of the writer's OK");
                await Task.Delay(1, CancellationToken.None); // pacing between polls
            }
            delays.Add((reader, Stopwatch.GetElapsedTime(at).TotalMilliseconds));
            probed = seq;
        }
    }

    static async Task<long[]> BalancesAsync(MySqlConnection connection)
    {
        var balances = new long[Accounts];
        await using var command = new MySqlCommand("SELECT id, balance FROM bank.account ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(TestToken);
        while (await reader.ReadAsync(TestToken))
            balances[reader.GetInt32(0)] = reader.GetInt64(1);
        return balances;
    }

    static async Task<(long, long)> PairAsync(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(TestToken);
        Assert.True(await reader.ReadAsync(TestToken));
        return (Long(reader.GetValue(0)), Long(reader.GetValue(1)));
    }

    static long Long(object value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    static async Task ExecuteAsync(MySqlConnection connection, string sql, MySqlTransaction? transaction = null)
    {
        await using var command = new MySqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(TestToken);
    }
}
