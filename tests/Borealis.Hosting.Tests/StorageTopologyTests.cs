using Borealis.Testing;

namespace Borealis.Hosting.Tests;

/// <summary>
/// Changes of the storage topology file (<c>DIR/storage/nodes.json</c>), in process: what <c>borealis storage
/// replace</c> and the supervisor's lost-node path write, what they refuse, the lock that keeps two writers from
/// losing each other's change, and the follower that the supervisor and the writer use to notice a change.
/// </summary>
public sealed class StorageTopologyTests : BorealisTest
{
    static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(10);

    /// <summary>6 nodes over zones a, b, c (1 and 4 in a, 2 and 5 in b, 3 and 6 in c), written to a file.</summary>
    static string WriteLocalFleet(TempDirectory dir, int nodes = 6, int firstPort = 0)
    {
        var path = dir.Combine("storage", "nodes.json");
        StorageTopology.CreateLocal(nodes, 3, 256, firstPort).Write(path);
        return path;
    }

    [Fact]
    public void LocalNodesListenFromTheFirstPortUpAndAReplacementTakesTheNextPortNoNodeHasThatIsFree()
    {
        using var dir = new TempDirectory();
        int first = FreePort.ForCluster();
        // Something else listens on first + 7: a new node must not be given it.
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, first + 7);
        taken.Start();
        var path = WriteLocalFleet(dir, firstPort: first);
        var before = StorageTopology.TryRead(path)!;

        var (_, added) = StorageTopology.ReplaceInFile(path, 2, s_lockTimeout);

        Assert.Equal(first, before.FirstPort);
        Assert.Equal(Enumerable.Range(first, 6), before.Nodes.Select(n => n.Port));
        Assert.Equal(first + 6, added.Port);
        var (_, again) = StorageTopology.ReplaceInFile(path, 3, s_lockTimeout);
        Assert.Equal(first + 8, again.Port);
        Assert.Equal(first, StorageTopology.TryRead(path)!.FirstPort);
    }

    [Fact]
    public void ReplaceRetiresTheNodeAndAddsANewOneInItsZoneOnAPortNoOtherNodeHas()
    {
        using var dir = new TempDirectory();
        var path = WriteLocalFleet(dir);
        var before = StorageTopology.TryRead(path)!;

        var (retired, added) = StorageTopology.ReplaceInFile(path, 3, s_lockTimeout);

        Assert.Equal((3, "c", true), (retired.Id, retired.Zone, retired.Retired));
        Assert.Equal((7, "c", "127.0.0.1", false), (added.Id, added.Zone, added.Host, added.Retired));
        Assert.DoesNotContain(added.Port, before.Nodes.Select(n => n.Port));
        var after = StorageTopology.TryRead(path)!;
        Assert.Equal(
            before.Nodes.Select(n => n.Id == 3 ? n with { Retired = true } : n).Append(added).Select(n => n.ToString()),
            after.Nodes.Select(n => n.ToString()));
        Assert.Equal([1, 2, 4, 5, 6, 7], after.ToNodeInfos().Select(n => n.Id.Value));
    }

    [Theory]
    [InlineData(42, "there is no storage node 42 (nodes: 1, 2, 3, 4, 5, 6, 7)")]
    [InlineData(3, "storage node 3 is already retired")]
    public void ReplaceOfAnUnknownOrRetiredNodeIsRefusedAndTheFileIsUnchanged(int nodeId, string message)
    {
        using var dir = new TempDirectory();
        var path = WriteLocalFleet(dir);
        StorageTopology.ReplaceInFile(path, 3, s_lockTimeout);
        var content = File.ReadAllText(path);

        var ex = Assert.Throws<HostingException>(() => StorageTopology.ReplaceInFile(path, nodeId, s_lockTimeout));

        Assert.Equal(message, ex.Message);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void ReplaceOfANodeOnAnotherMachineIsRefused()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("nodes.json");
        var fleet = StorageTopology.CreateLocal(6, 3, 256, 0);
        (fleet with { Nodes = [.. fleet.Nodes.Select(n => n.Id == 2 ? n with { Host = "10.0.2.11" } : n)] }).Write(path);
        var content = File.ReadAllText(path);

        var ex = Assert.Throws<HostingException>(() => StorageTopology.ReplaceInFile(path, 2, s_lockTimeout));

        Assert.StartsWith("storage node 2 runs on 10.0.2.11, not on this machine", ex.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void ReplaceInAFleetBelowTheMinimumIsRefused()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("nodes.json");
        // Written by hand: zone c has one active node (6 was retired without a replacement).
        var fleet = StorageTopology.CreateLocal(7, 3, 256, 0);
        (fleet with { Nodes = [.. fleet.Nodes.Select(n => n.Id == 6 ? n with { Retired = true } : n)] }).Write(path);
        var content = File.ReadAllText(path);

        var ex = Assert.Throws<HostingException>(() => StorageTopology.ReplaceInFile(path, 1, s_lockTimeout));

        Assert.Equal("replacing storage node 1 would leave zone c with 1 active storage node; at least 2 per zone are needed", ex.Message);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void ValidateFleetNamesWhatIsMissing()
    {
        var fleet = StorageTopology.CreateLocal(6, 3, 256, 0);
        var five = fleet with { Nodes = [.. fleet.Nodes.Where(n => n.Id != 6)] };
        var twoZones = fleet with { Nodes = [.. fleet.Nodes.Select(n => n.Zone == "c" ? n with { Zone = "a" } : n)] };

        fleet.ValidateFleet("x");
        Assert.Equal("x would leave 5 active storage nodes; at least 6 are needed (6 copies of every segment)",
            Assert.Throws<HostingException>(() => five.ValidateFleet("x")).Message);
        Assert.Equal("x would leave active storage nodes in 2 zones; at least 3 are needed (2 copies per zone)",
            Assert.Throws<HostingException>(() => twoZones.ValidateFleet("x")).Message);
    }

    [Fact]
    public void AChangeWaitsForTheLockHeldByAnotherWriterAndGivesUpWithoutChangingTheFile()
    {
        using var dir = new TempDirectory();
        var path = WriteLocalFleet(dir);
        var content = File.ReadAllText(path);

        using (new FileStream(StorageTopology.LockPath(path), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var ex = Assert.Throws<HostingException>(() => StorageTopology.ReplaceInFile(path, 3, TimeSpan.FromMilliseconds(200)));
            Assert.StartsWith("the storage topology is being changed by another process", ex.Message, StringComparison.Ordinal);
            Assert.Equal(content, File.ReadAllText(path));
        }

        // Released: the same change goes through.
        Assert.Equal(7, StorageTopology.ReplaceInFile(path, 3, s_lockTimeout).Added.Id);
    }

    [Fact]
    public async Task ConcurrentReplacementsAreAllKept()
    {
        using var dir = new TempDirectory();
        var path = WriteLocalFleet(dir, nodes: 9);

        // Nine writers at once (as the supervisor and operators could): without the lock, read-modify-writes lose changes.
        var added = await Task.WhenAll(Enumerable.Range(1, 9).Select(id => Task.Run(() => StorageTopology.ReplaceInFile(path, id, s_lockTimeout).Added, TestToken)));

        var after = StorageTopology.TryRead(path)!;
        Assert.Equal(Enumerable.Range(1, 18), after.Nodes.Select(n => n.Id).Order());
        Assert.Equal(Enumerable.Range(1, 9), after.Nodes.Where(n => n.Retired).Select(n => n.Id).Order());
        Assert.Equal(Enumerable.Range(10, 9), added.Select(n => n.Id).Order());
        Assert.Equal(18, after.Nodes.Select(n => n.Port).Distinct().Count());
        Assert.Equal(["a", "a", "a", "b", "b", "b", "c", "c", "c"], after.Nodes.Where(n => !n.Retired).Select(n => n.Zone).Order());
    }

    [Fact]
    public async Task TheFollowerDeliversAChangeWrittenBeforeItStartedAndNothingElse()
    {
        using var dir = new TempDirectory();
        var path = WriteLocalFleet(dir);
        var started = StorageTopology.TryRead(path)!;
        StorageTopology.ReplaceInFile(path, 3, s_lockTimeout); // while the caller was starting, after it read the file

        var seen = new List<StorageTopology>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        var follow = StorageTopology.FollowAsync(path, started, TimeSpan.FromMilliseconds(10), t => { lock (seen) seen.Add(t); }, _ => { }, stop.Token);
        await Eventually.AssertAsync(() => { lock (seen) return seen.Count == 1; }, because: "the change made before the follower started is delivered");

        StorageTopology.ReplaceInFile(path, 6, s_lockTimeout);
        await Eventually.AssertAsync(() => { lock (seen) return seen.Count == 2; }, because: "a later change is delivered");
        await stop.CancelAsync();
        await follow;

        Assert.Equal([7], seen[0].Nodes.Where(n => !n.Retired).Select(n => n.Id).Except([1, 2, 4, 5, 6]));
        Assert.Equal([3, 6], seen[1].Nodes.Where(n => n.Retired).Select(n => n.Id));
    }

    [Fact]
    public async Task TheFollowerIgnoresARewriteWithTheSameContent()
    {
        using var dir = new TempDirectory();
        var path = WriteLocalFleet(dir);
        var started = StorageTopology.TryRead(path)!;

        var seen = new List<StorageTopology>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        var follow = StorageTopology.FollowAsync(path, started, TimeSpan.FromMilliseconds(10), t => { lock (seen) seen.Add(t); }, _ => { }, stop.Token);
        started.Write(path); // same content, new file: no change for the supervisor or the writer
        StorageTopology.ReplaceInFile(path, 3, s_lockTimeout);
        await Eventually.AssertAsync(() => { lock (seen) return seen.Count >= 1; });
        await stop.CancelAsync();
        await follow;

        Assert.Single(seen);
        Assert.Equal([3], seen[0].Nodes.Where(n => n.Retired).Select(n => n.Id));
    }
}
