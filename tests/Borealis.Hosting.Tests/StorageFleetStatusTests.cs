using System.Collections.Immutable;
using Borealis.Common;
using Borealis.Storage.Protocol;
using Borealis.Storage.Transport;
using Borealis.Testing;

namespace Borealis.Hosting.Tests;

/// <summary>
/// What <c>borealis status</c> counts as a healthy copy. Under a write load the nodes answer at slightly different
/// moments: a copy that trails the best by less than one round of questions is healthy, a copy stuck below where
/// the best copy already was is not.
/// </summary>
public sealed class StorageFleetStatusTests : BorealisTest
{
    /// <summary>Answers GetStatus with the next SCL of each node's script (the last one repeats) and GetMap with one 6-member group.</summary>
    sealed class ScriptedNodes(Dictionary<int, ulong[]> scl, Action<long, StorageResponse> reply) : IStorageTransport
    {
        readonly Dictionary<int, int> _asked = [];

        public static readonly VolumeMap Map = new(
            Guid.NewGuid(), 3, new VolumeEpoch(1), 4096, 256,
            [.. Enumerable.Range(1, 6).Select(i => new StorageNodeInfo(new NodeId(i), StorageTopology.ZoneName((i - 1) % 3), $"127.0.0.1:{i}"))],
            [new GroupMembership(0, 1, [.. Enumerable.Range(1, 6).Select(i => new NodeId(i))], [])],
            []);

        public void Send(StorageNodeInfo node, long correlation, StorageRequest request)
        {
            int id = node.Id.Value;
            switch (request)
            {
                case GetMapRequest:
                    reply(correlation, new MapResponse(Map));
                    break;
                case GetStatusRequest:
                    int round;
                    lock (_asked)
                    {
                        round = _asked.GetValueOrDefault(id);
                        _asked[id] = round + 1;
                    }
                    var script = scl[id];
                    var lsn = new Lsn(script[Math.Min(round, script.Length - 1)]);
                    reply(correlation, new NodeStatusResponse(node.Id, node.Zone, Map.Version, Map.Epoch,
                        [new SegmentStatus(0, lsn, lsn, Lsn.Zero, 1024, "healthy")]));
                    break;
                default:
                    throw new InvalidOperationException($"unexpected {request}");
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    static Task<StorageFleetStatus> QueryAsync(Dictionary<int, ulong[]> scl) =>
        StorageFleetStatus.QueryAsync(StorageTopology.CreateLocal(6, 3, 256, 0), reply => new ScriptedNodes(scl, reply), TimeSpan.FromSeconds(5), TestToken);

    [Fact]
    public async Task UnderLoadACopyTrailingTheBestByLessThanARoundIsHealthyAndAStuckCopyIsNot()
    {
        var status = await QueryAsync(new()
        {
            [1] = [100, 110],
            [2] = [100, 110],
            [3] = [100, 110],
            [4] = [100, 110],
            [5] = [100, 104], // behind the newest answers, but past where the best copy was a round earlier
            [6] = [90, 90],   // stuck below it
        });

        var group = Assert.Single(status.Groups);
        Assert.Equal((0u, 5, 110ul), (group.Group, group.HealthyCopies, group.Scl));
        Assert.Equal([1, 2, 3, 4, 5, 6], group.Members);
        Assert.Equal([110ul, 110, 110, 110, 104, 90], status.Nodes.Select(n => n.Segments.Single().Scl));
    }

    [Fact]
    public async Task WithoutLoadEveryCopyAtTheBestSclIsHealthyAndOneBehindIsNot()
    {
        var all = await QueryAsync(Enumerable.Range(1, 6).ToDictionary(i => i, _ => new ulong[] { 50 }));
        Assert.Equal(6, Assert.Single(all.Groups).HealthyCopies);

        var oneBehind = await QueryAsync(Enumerable.Range(1, 6).ToDictionary(i => i, i => new ulong[] { i == 2 ? 49ul : 50ul }));
        Assert.Equal(5, Assert.Single(oneBehind.Groups).HealthyCopies);
    }
}
