using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// The quorum storage service under faults, on real processes with real clients: 6 storage nodes in 3 zones, a
/// writer instance, and a continuous insert load. Write quorum 4/6 keeps commits going with any 2 nodes down
/// (including both nodes of one zone); a third stops them without any error being reported as success; reads of
/// committed data keep working with 3 down. After each scenario every acknowledged transaction is present whole.
/// </summary>
public sealed class StorageFaultTests : BorealisTest
{
    [Fact]
    public async Task CommitsContinueWithTwoNodesDownStopWithThreeAndResume()
    {
        await using var cluster = await StorageCluster.StartAsync();
        await using (var setup = await cluster.OpenAsync())
            await new MySqlCommand(InsertLoad.CreateTable, setup).ExecuteNonQueryAsync(TestToken);

        await using var load = new InsertLoad(() => cluster.ConnectionString());
        await Eventually.AssertAsync(() => load.Acknowledged >= 50, because: "clients are committing");

        // Both nodes of zone a (1 and 4) die: 4 of 6 remain, commits continue.
        await cluster.KillNodeAsync(1);
        await cluster.KillNodeAsync(4);
        int before = load.Acknowledged;
        await Eventually.AssertAsync(() => load.Acknowledged >= before + 100, TimeSpan.FromSeconds(60), "commits continue with zone a down");

        // A third node dies: no write quorum, so nothing new is acknowledged.
        await cluster.KillNodeAsync(2);
        int atKill = load.Acknowledged;
        // Commits already durable when the node died may still be acknowledged: let them drain, then watch a window.
        await Eventually.AssertAsync(async () =>
        {
            int a = load.Acknowledged;
            await Task.Delay(500, TestToken);
            return load.Acknowledged == a;
        }, TimeSpan.FromSeconds(30), "acknowledgements stop");
        int stalled = load.Acknowledged;
        Assert.True(stalled <= atKill + 8, $"{stalled - atKill} commits were acknowledged after the third node died");
        await Task.Delay(2000, TestToken); // an observation window: nothing may be acknowledged during it
        Assert.Equal(stalled, load.Acknowledged);

        // Reads of committed data work with 3 of 6 nodes.
        await using (var reader = await cluster.OpenAsync(commandTimeout: 30))
        {
            long count = Convert.ToInt64(await new MySqlCommand("SELECT COUNT(*) FROM load.entry", reader).ExecuteScalarAsync(TestToken), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(count >= stalled * 2, $"{count} rows visible, {stalled} transactions acknowledged");
        }

        // One node returns: the write quorum is back and commits resume.
        await cluster.StartNodeAsync(2);
        await Eventually.AssertAsync(() => load.Acknowledged >= stalled + 50, TimeSpan.FromSeconds(60), "commits resume when a node returns");
        await cluster.StartNodeAsync(1);
        await cluster.StartNodeAsync(4);
        int resumed = load.Acknowledged;
        await Eventually.AssertAsync(() => load.Acknowledged >= resumed + 50, TimeSpan.FromSeconds(60), "commits continue with all nodes back");

        await load.StopAsync();
        await using var check = await cluster.OpenAsync();
        int present = await load.VerifyAsync(check, TestToken);
        Assert.True(present >= load.Acknowledged);
    }

    [Fact]
    public async Task SigkilledNodesAndWriterLoseNothingAcknowledged()
    {
        await using var cluster = await StorageCluster.StartAsync();
        await using (var setup = await cluster.OpenAsync())
            await new MySqlCommand(InsertLoad.CreateTable, setup).ExecuteNonQueryAsync(TestToken);

        int seed = Environment.TickCount;
        var random = new Random(seed);
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {seed}");
        await using var load = new InsertLoad(() => cluster.ConnectionString(commandTimeout: 20));
        for (int round = 0; round < 3; round++)
        {
            int before = load.Acknowledged;
            await Eventually.AssertAsync(() => load.Acknowledged >= before + 30, TimeSpan.FromSeconds(60), "clients are committing");
            // Any 2 nodes: SIGKILL, commits go on, then they come back and catch up by gossip.
            var pair = Enumerable.Range(1, 6).OrderBy(_ => random.Next()).Take(2).ToArray();
            int a = pair[0], b = pair[1];
            await cluster.KillNodeAsync(a);
            await cluster.KillNodeAsync(b);
            int during = load.Acknowledged;
            await Eventually.AssertAsync(() => load.Acknowledged >= during + 30, TimeSpan.FromSeconds(60), $"commits continue with nodes {a} and {b} down");
            await cluster.StartNodeAsync(a);
            await cluster.StartNodeAsync(b);
        }

        // The writer dies under load and recovers from a read quorum: acknowledged data is all there.
        await cluster.KillWriterAsync();
        await load.StopAsync();
        await cluster.StartWriterAsync("writer-1");
        await using var check = await cluster.OpenAsync();
        await load.VerifyAsync(check, TestToken);
    }

    [Fact]
    public async Task AStaleWriterIsFencedByEpochAndCannotCommit()
    {
        await using var cluster = await StorageCluster.StartAsync();
        await using var old = await cluster.OpenAsync(commandTimeout: 20);
        await new MySqlCommand("CREATE DATABASE f; CREATE TABLE f.t (v VARCHAR(20)); INSERT INTO f.t VALUES ('before')", old).ExecuteNonQueryAsync(TestToken);

        // A second writer recovers the volume while the first is still running: it bumps the volume epoch.
        await cluster.StartWriterAsync("writer-2");
        await using var current = await cluster.OpenAsync("writer-2");
        Assert.Equal("before", await new MySqlCommand("SELECT v FROM f.t", current).ExecuteScalarAsync(TestToken));

        // The old writer's commit is refused by the storage nodes (epoch), and reported as an error, not success.
        var error = await Assert.ThrowsAsync<MySqlException>(() => new MySqlCommand("INSERT INTO f.t VALUES ('stale')", old).ExecuteNonQueryAsync(TestToken));
        Assert.Contains("epoch", error.Message, StringComparison.OrdinalIgnoreCase);

        await new MySqlCommand("INSERT INTO f.t VALUES ('after')", current).ExecuteNonQueryAsync(TestToken);
        var rows = new List<string>();
        await using (var reader = await new MySqlCommand("SELECT v FROM f.t ORDER BY v", current).ExecuteReaderAsync(TestToken))
        {
            while (await reader.ReadAsync(TestToken))
                rows.Add(reader.GetString(0));
        }
        Assert.Equal(["after", "before"], rows);

        // And after a restart of the new writer the stale row is still absent.
        await cluster.KillWriterAsync("writer-2");
        await cluster.StartWriterAsync("writer-2");
        await using var reopened = await cluster.OpenAsync("writer-2");
        Assert.Equal(0L, Convert.ToInt64(await new MySqlCommand("SELECT COUNT(*) FROM f.t WHERE v = 'stale'", reopened).ExecuteScalarAsync(TestToken), System.Globalization.CultureInfo.InvariantCulture));
    }
}
