using System.Collections.Immutable;
using Borealis.Storage.Protocol;

namespace Borealis.Volume.Quorum;

public sealed partial class QuorumVolumeCore
{
    /// <summary>Segments per protection group.</summary>
    const int SegmentsPerGroup = 6;

    // The newest map (possibly still being written) and the newest one a quorum acknowledged.
    VolumeMap? _map;
    VolumeMap? _committedMap;

    // The oldest map version a node must have acknowledged before it gets appends or reads (the truncation's).
    long _appendMapVersion;

    // The map write in flight (one at a time; a newer _map is written when it ends) and what waits for versions.
    MapWrite? _mapWrite;
    readonly List<(long Version, Action Done)> _mapWaiters = [];

    /// <summary>The volume map this client holds (null before open): the newest, possibly not yet on a quorum.</summary>
    public VolumeMap? Map => _map;

    /// <summary>The newest map a write quorum acknowledged.</summary>
    public VolumeMap? CommittedMap => _committedMap;

    /// <summary>Map versions written to a quorum since this client started.</summary>
    public int MapWriteCount { get; private set; }

    /// <summary>Makes <paramref name="map"/> the newest map and writes it; <paramref name="done"/> runs once a quorum has it (or a newer one).</summary>
    /// <summary>Makes <paramref name="map"/> (stamped with this writer's id) the client's map and writes it to the nodes.</summary>
    /// <returns>The stamped map, as written.</returns>
    VolumeMap ChangeMap(VolumeMap map, Action? done)
    {
        map = map with { Writer = _writerId };
        if (_map is not null)
        {
            // A segment that leaves a group forgets its acknowledgements: if it ever joins again it starts empty.
            foreach (var old in _map.Groups)
            {
                if (old.Group >= (uint)map.Groups.Length)
                    continue;
                var now = map.Groups[(int)old.Group];
                foreach (var node in old.Members.Concat(old.InTransition ? old.Next : []))
                {
                    if (!now.Contains(node))
                    {
                        _acked.Remove((old.Group, node));
                        _statusScl.Remove((old.Group, node));
                    }
                }
            }
        }
        _map = map;
        foreach (var node in map.Nodes)
            NodeFor(node).Info = node;
        if (done is not null)
            _mapWaiters.Add((map.Version, done));
        if (_mapWrite is null)
            StartMapWrite(map);
        return map;
    }

    void StartMapWrite(VolumeMap map)
    {
        _mapWrite = new MapWrite(map) { RetryAt = _host.NowMilliseconds + MinBackoffMs };
        foreach (var info in map.Nodes)
            SendMap(_mapWrite, NodeFor(info));
    }

    void SendMap(MapWrite write, NodeState node)
    {
        write.Sent.Add(node.Info.Id);
        Send(node, RequestKind.SetMap, new SetMapRequest(write.Map), mapVersion: write.Map.Version);
    }

    /// <summary>Sends the newest map to one node that refused our epoch or a group (not part of a quorum write).</summary>
    void SendMapToNode(NodeState node)
    {
        if (_map is null || node.MapInFlight)
            return;
        node.MapInFlight = true;
        Send(node, RequestKind.SetMap, new SetMapRequest(_map), mapVersion: -_map.Version);
    }

    void OnSetMapResponse(NodeState node, PendingRequest request, StorageResponse response)
    {
        if (request.MapVersion < 0)
        {
            // A single-node map refresh.
            node.MapInFlight = false;
            if (response is OkResponse)
            {
                NoteMapAcked(node, -request.MapVersion);
                node.RetryAt = _host.NowMilliseconds;
            }
            return;
        }

        var write = _mapWrite;
        if (write is null || write.Map.Version != request.MapVersion)
            return;
        write.Sent.Remove(node.Info.Id);
        if (response is OkResponse)
        {
            write.Acked.Add(node.Info.Id);
            NoteMapAcked(node, write.Map.Version);
            if (IsMapWriteQuorum(write))
                CompleteMapWrite(write);
        }
        // Other answers (unreachable, another volume, a failed node) are retried from Tick.
    }

    /// <summary>
    /// A node took map <paramref name="version"/>: it may get appends again once it has the map with this writer's
    /// truncation (a node with only the fencing map would still count the old writer's void frames in its SCL).
    /// </summary>
    void NoteMapAcked(NodeState node, long version)
    {
        if (version >= _appendMapVersion)
            node.NeedsMap = false;
    }

    static bool IsMapWriteQuorum(MapWrite write)
    {
        var map = write.Map;
        if (write.Acked.Count < map.MapWriteQuorum)
            return false;
        foreach (var group in map.Groups)
        {
            if (!HasWriteQuorum(group.Members, write.Acked))
                return false;
            if (group.InTransition && !HasWriteQuorum(group.Next, write.Acked))
                return false;
        }
        return true;
    }

    static bool HasWriteQuorum(ImmutableArray<NodeId> set, HashSet<NodeId> acked)
    {
        int count = 0;
        foreach (var node in set)
        {
            if (acked.Contains(node))
                count++;
        }
        return count >= WriteQuorum(set.Length);
    }

    /// <summary>4 of 6: any two write quorums intersect and a write quorum meets every read quorum.</summary>
    static int WriteQuorum(int members) => members / 2 + 1;

    /// <summary>3 of 6: meets every write quorum.</summary>
    static int ReadQuorum(int members) => members - WriteQuorum(members) + 1;

    void CompleteMapWrite(MapWrite write)
    {
        _mapWrite = null;
        _committedMap = write.Map;
        MapWriteCount++;
        var ready = _mapWaiters.Where(w => w.Version <= write.Map.Version).ToList();
        _mapWaiters.RemoveAll(w => w.Version <= write.Map.Version);
        OnMapCommitted(write.Map);
        foreach (var (_, done) in ready)
        {
            if (_state == QuorumVolumeState.Failed)
                return;
            done();
        }
        if (_mapWrite is null && _map is not null && _map.Version > write.Map.Version && _state != QuorumVolumeState.Failed)
            StartMapWrite(_map);
    }

    /// <summary>Resends the map in flight to nodes that have not acknowledged it, with backoff.</summary>
    void TickMapWrite(long now)
    {
        var write = _mapWrite;
        if (write is null || now < write.RetryAt)
            return;
        write.RetryAt = now + write.Backoff;
        write.Backoff = Math.Min(write.Backoff * 2, MaxBackoffMs);
        foreach (var info in write.Map.Nodes)
        {
            if (!write.Acked.Contains(info.Id) && !write.Sent.Contains(info.Id))
                SendMap(write, NodeFor(info));
        }
    }

    /// <summary>
    /// The members of a new group: 2 nodes in each of 3 zones, rotated by group number so that load spreads;
    /// with fewer zones or nodes, any distinct nodes. Deterministic in the node list and the group number.
    /// </summary>
    internal static ImmutableArray<NodeId> Place(IReadOnlyList<StorageNodeInfo> nodes, uint group, IReadOnlyCollection<NodeId>? exclude = null)
    {
        var usable = nodes.Where(n => exclude is null || !exclude.Contains(n.Id)).ToList();
        if (usable.Count < SegmentsPerGroup)
            throw new VolumeException($"A protection group needs {SegmentsPerGroup} storage nodes; only {usable.Count} are known.");
        var zones = usable.GroupBy(n => n.Zone, StringComparer.Ordinal)
            .OrderBy(z => z.Key, StringComparer.Ordinal)
            .Select(z => z.OrderBy(n => n.Id.Value).ToList())
            .ToList();
        var chosen = new List<NodeId>(SegmentsPerGroup);
        if (zones.Count >= 3 && zones.Count(z => z.Count >= 2) >= 3)
        {
            var wide = zones.Where(z => z.Count >= 2).ToList();
            for (int k = 0; k < 3; k++)
            {
                var zone = wide[(int)((group + (uint)k) % (uint)wide.Count)];
                int start = (int)((group * 2) % (uint)zone.Count);
                chosen.Add(zone[start].Id);
                chosen.Add(zone[(start + 1) % zone.Count].Id);
            }
        }
        else
        {
            var all = usable.OrderBy(n => n.Id.Value).ToList();
            for (int i = 0; chosen.Count < SegmentsPerGroup; i++)
                chosen.Add(all[(int)((group + (uint)i) % (uint)all.Count)].Id);
        }
        return [.. chosen];
    }

    sealed class MapWrite(VolumeMap map)
    {
        public VolumeMap Map { get; } = map;
        public HashSet<NodeId> Acked { get; } = [];
        public HashSet<NodeId> Sent { get; } = [];
        public long RetryAt { get; set; }
        public long Backoff { get; set; } = MinBackoffMs;
    }
}
