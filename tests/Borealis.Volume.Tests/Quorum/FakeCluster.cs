using Borealis.Storage.Protocol;
using Borealis.Volume.Quorum;

namespace Borealis.Volume.Tests.Quorum;

/// <summary>Fake storage nodes, a virtual clock, and per-node faults: down (answers Unreachable) or held (no answer until released).</summary>
sealed class FakeCluster
{
    readonly HashSet<NodeId> _down = [];
    readonly HashSet<NodeId> _held = [];

    /// <summary>Nodes in zones a, b, c, round-robin: 6 nodes give 2 per zone.</summary>
    public FakeCluster(int nodes)
    {
        string[] zones = ["a", "b", "c"];
        for (int i = 1; i <= nodes; i++)
            Nodes.Add(new FakeStorageNode(new StorageNodeInfo(new NodeId(i), zones[(i - 1) % 3], $"fake:{i}"), this));
    }

    public List<FakeStorageNode> Nodes { get; } = [];

    public long Now { get; set; }

    public IReadOnlyList<StorageNodeInfo> Infos => [.. Nodes.Select(n => n.Info)];

    public FakeStorageNode this[NodeId id] => Nodes.Single(n => n.Id == id);

    public bool IsDown(NodeId node) => _down.Contains(node);

    public bool IsHeld(NodeId node) => _held.Contains(node);

    public void SetDown(NodeId node, bool down)
    {
        if (down)
            _down.Add(node);
        else
            _down.Remove(node);
    }

    /// <summary>When set, <see cref="FakeHost"/> lets up nodes fill holes from up peers of the same epoch every 50 ms (gossip).</summary>
    public bool Gossip { get; set; }

    long _lastGossip;

    public void GossipIfDue()
    {
        if (!Gossip || Now - _lastGossip < 50)
            return;
        _lastGossip = Now;
        foreach (var node in Nodes)
        {
            if (IsDown(node.Id) || node.Map is null)
                continue;
            foreach (var group in node.Groups.ToList())
                node.Hydrate(group);
        }
    }

    public void Hold(NodeId node) => _held.Add(node);

    public void Release(NodeId node) => _held.Remove(node);

    public QuorumVolumeOptions Options(uint pagesPerGroup = 4096, int pageSize = 256, int maxAppendsInFlight = 1, bool paceAppends = true) => new()
    {
        MaxAppendsInFlight = maxAppendsInFlight,
        PaceAppends = paceAppends,
        Nodes = Infos,
        PageSize = pageSize,
        PagesPerGroup = pagesPerGroup,
        NewVolumeId = new Guid(1, 2, 3, [4, 5, 6, 7, 8, 9, 10, 11]),
        ReplaceAfter = TimeSpan.FromSeconds(1),
        HedgeAfter = TimeSpan.FromMilliseconds(20),
        RequestTimeout = TimeSpan.FromMilliseconds(500),
    };
}
