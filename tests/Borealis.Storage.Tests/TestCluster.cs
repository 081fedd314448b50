using System.Collections.Immutable;
using Borealis.Common;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Tests;

/// <summary>
/// Two or more node cores on in-memory disks, and a hand-driven network: <see cref="Pump"/> delivers every request
/// a core sent to its peer and the answer back, until nothing is in flight; <see cref="Tick"/> advances time.
/// </summary>
public sealed class TestCluster : IDisposable
{
    ulong _requestId;

    public TestCluster(int nodes, Func<int, StorageNodeOptions>? options = null)
    {
        for (int i = 1; i <= nodes; i++)
        {
            var node = new TestNode(options?.Invoke(i) ?? TestNode.DefaultOptions(i), new MemoryStorageDisk());
            node.Core.Open();
            Nodes.Add(node);
        }
    }

    public List<TestNode> Nodes { get; } = [];

    public long Now { get; private set; }

    /// <summary>Every message delivered by <see cref="Pump"/>, in order: what a simulation's replay would compare.</summary>
    public List<string> Trace { get; } = [];

    public TestNode this[int id] => Nodes.Single(n => n.Id.Value == id);

    /// <summary>A map of this cluster: page size 256, 8 pages per group, groups with the given members.</summary>
    public VolumeMap MakeMap(long version, ulong epoch, params int[][] members) => new(
        VolumeId, version, new VolumeEpoch(epoch), 256, 8,
        [.. Nodes.Select(n => n.Info)],
        [.. members.Select((m, g) => new GroupMembership((uint)g, 1, [.. m.Select(id => new NodeId(id))], []))],
        []);

    /// <summary>
    /// The start of most tests: every node adopts the map (version 1, epoch 1) of groups with the given
    /// <paramref name="members"/>, and a writer for it.
    /// </summary>
    public (VolumeMap Map, TestWriter Writer) Start(params int[][] members) => Start(1, 1, members);

    /// <summary>As <see cref="Start(int[][])"/>, with a map of the given version and epoch.</summary>
    public (VolumeMap Map, TestWriter Writer) Start(long version, ulong epoch, params int[][] members)
    {
        var map = MakeMap(version, epoch, members);
        SetMap(map);
        return (map, new TestWriter(map));
    }

    public static readonly Guid VolumeId = new("5f0c2a9e-7d1b-4c55-9a3e-1c2b3d4e5f60");

    /// <summary>Offers <paramref name="map"/> to every node that is up.</summary>
    public void SetMap(VolumeMap map)
    {
        foreach (var node in Nodes.Where(n => n.Up))
            Assert.IsType<OkResponse>(node.Request(new SetMapRequest(map)));
    }

    /// <summary>Sends frames to the given nodes (all up nodes by default) and flushes.</summary>
    public void Append(VolumeEpoch epoch, Lsn readHorizon, IReadOnlyList<SegmentFrame> frames, params int[] to)
    {
        foreach (var node in Nodes.Where(n => n.Up && (to.Length == 0 || to.Contains(n.Id.Value))))
        {
            var response = node.Request(new AppendRequest(epoch, Lsn.Zero, 0, readHorizon, frames));
            Assert.IsType<AppendResponse>(response);
        }
    }

    /// <summary>Delivers every request in flight (and the ones they cause) and flushes every node.</summary>
    public void Pump()
    {
        bool progressed = true;
        while (progressed)
        {
            progressed = false;
            foreach (var node in Nodes)
            {
                while (node.Host.Outbox.TryDequeue(out var message))
                {
                    progressed = true;
                    var target = Nodes.SingleOrDefault(n => n.Id == message.Peer.Id);
                    StorageResponse response;
                    if (target is null || !target.Up || !node.Up)
                    {
                        response = new ErrorResponse(StorageStatus.Unreachable, "down", default);
                    }
                    else
                    {
                        var context = new RequestContext(2, ++_requestId);
                        target.Core.Handle(context, message.Request);
                        if (target.Core.HasUnsyncedWrites)
                            target.Core.Flush();
                        response = target.Host.TakeReply(context) ?? throw new InvalidOperationException("A peer request got no reply.");
                    }
                    Trace.Add($"{node.Id}->{message.Peer.Id} #{message.Correlation} {message.Request} => {Describe(response)}");
                    if (node.Up)
                        node.Core.OnPeerResponse(message.Correlation, response);
                }
            }
        }
        foreach (var node in Nodes.Where(n => n.Up && n.Core.HasUnsyncedWrites))
            node.Core.Flush();
    }

    /// <summary>Advances time by one gossip interval per round; every node that is up ticks, then the network is pumped.</summary>
    public void Tick(int rounds = 1)
    {
        for (int i = 0; i < rounds; i++)
        {
            Now += 100;
            foreach (var node in Nodes.Where(n => n.Up))
            {
                node.Host.NowMilliseconds = Now;
                node.Core.Tick();
            }
            Pump();
        }
    }

    static string Describe(StorageResponse response) => response switch
    {
        ReadLogResponse r => $"ReadLog(scl {r.Scl}, start {r.LogStart}, frames {string.Join(",", r.Frames.Select(f => f.First))})",
        ReadImagesResponse r => $"ReadImages(asOf {r.AsOf}, pages {string.Join(",", r.Images.Select(i => i.Page))}, next {r.NextPage})",
        MapResponse r => $"Map({r.Map?.Version})",
        _ => response.ToString(),
    };

    public void Dispose()
    {
        foreach (var node in Nodes)
            node.Dispose();
    }
}
