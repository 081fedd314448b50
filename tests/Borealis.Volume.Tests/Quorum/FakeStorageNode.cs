using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;

namespace Borealis.Volume.Tests.Quorum;

/// <summary>
/// A storage node reduced to what the volume client relies on: a map with epoch checks and truncations, frames per
/// segment with SCL by backlinks, pages by applying deltas, and the known-durable LSN. Answers at once, no disk.
/// </summary>
sealed class FakeStorageNode(StorageNodeInfo info, FakeCluster cluster)
{
    readonly Dictionary<uint, SortedDictionary<ulong, SegmentFrame>> _segments = [];

    public StorageNodeInfo Info { get; } = info;
    public NodeId Id => Info.Id;
    public VolumeMap? Map { get; private set; }
    public Lsn KnownDurable { get; private set; }
    public uint PageCountAtKnownDurable { get; private set; }

    /// <summary>When set, a new segment copies its peers' frames as it is created (hydration).</summary>
    public bool HydrateOnJoin { get; set; } = true;

    public IReadOnlyCollection<uint> Groups => _segments.Keys;

    public IEnumerable<SegmentFrame> Frames(uint group) =>
        _segments.TryGetValue(group, out var frames) ? frames.Values : [];

    public Lsn Scl(uint group)
    {
        if (!_segments.TryGetValue(group, out var frames))
            return Lsn.Zero;
        var byBacklink = new Dictionary<ulong, SegmentFrame>();
        foreach (var frame in frames.Values)
            byBacklink.TryAdd(frame.Backlink.Value, frame);
        var scl = Lsn.Zero;
        while (byBacklink.TryGetValue(scl.Value, out var next))
            scl = next.Last;
        return scl;
    }

    public StorageResponse Handle(StorageRequest request) => request switch
    {
        GetMapRequest => new MapResponse(Map),
        SetMapRequest set => SetMap(set.Map),
        GetStatusRequest => Status(),
        AppendRequest append => Append(append),
        GetPageRequest get => GetPage(get),
        ReadLogRequest read => ReadLog(read),
        _ => Error(StorageStatus.BadRequest, "unknown request"),
    };

    ErrorResponse Error(StorageStatus status, string message) => new(status, message, Map?.Epoch ?? default);

    ErrorResponse? CheckEpoch(VolumeEpoch epoch)
    {
        if (Map is null || epoch > Map.Epoch)
            return Error(StorageStatus.UnknownEpoch, "newer epoch");
        if (epoch < Map.Epoch)
            return Error(StorageStatus.StaleEpoch, "stale epoch");
        return null;
    }

    StorageResponse SetMap(VolumeMap map)
    {
        if (Map is not null && map.VolumeId != Map.VolumeId)
            return Error(StorageStatus.BadRequest, "another volume");
        if (Map is not null && map.Epoch < Map.Epoch)
            return Error(StorageStatus.StaleEpoch, "stale map");
        if (map.IsNewerThan(Map))
        {
            Map = map;
            foreach (var group in map.Groups)
            {
                if (group.Contains(Id) && !_segments.ContainsKey(group.Group))
                {
                    _segments[group.Group] = [];
                    if (HydrateOnJoin)
                        Hydrate(group.Group);
                }
            }
            foreach (var group in _segments.Keys.ToList())
            {
                if (group >= map.Groups.Length || !map.Groups[(int)group].Contains(Id))
                    _segments.Remove(group);
            }
            foreach (var frames in _segments.Values)
            {
                foreach (var (first, frame) in frames.ToList())
                {
                    if (map.IsVoid(frame.Epoch, frame.Last))
                        frames.Remove(first);
                }
            }
        }
        return new OkResponse();
    }

    /// <summary>Copies the frames of the group from every reachable peer (what gossip and hydration achieve).</summary>
    public void Hydrate(uint group)
    {
        var mine = _segments[group];
        foreach (var peer in cluster.Nodes)
        {
            if (peer == this || cluster.IsDown(peer.Id) || peer.Map?.Epoch != Map!.Epoch)
                continue;
            foreach (var frame in peer.Frames(group))
            {
                if (!Map!.IsVoid(frame.Epoch, frame.Last))
                    mine.TryAdd(frame.First.Value, frame);
            }
        }
    }

    StorageResponse Append(AppendRequest append)
    {
        if (CheckEpoch(append.Epoch) is { } refused)
            return refused;
        foreach (var frame in append.Frames)
        {
            if (!_segments.ContainsKey(frame.Group))
                return Error(StorageStatus.UnknownEpoch, "unknown group");
        }
        foreach (var frame in append.Frames)
        {
            if (frame.Epoch > Map!.Epoch || Map.IsVoid(frame.Epoch, frame.Last))
                continue;
            _segments[frame.Group].TryAdd(frame.First.Value, frame);
        }
        if (append.DurableLsn > KnownDurable)
        {
            KnownDurable = append.DurableLsn;
            PageCountAtKnownDurable = append.PageCountAtDurable;
        }
        return new AppendResponse([.. _segments.Keys.Order().Select(g => new SegmentProgress(g, Scl(g)))]);
    }

    StorageResponse GetPage(GetPageRequest get)
    {
        if (CheckEpoch(get.Epoch) is { } refused)
            return refused;
        if (!_segments.TryGetValue(get.Group, out var frames))
            return Error(StorageStatus.NotMember, "no such segment");
        if (Scl(get.Group) < get.RequiredScl)
            return Error(StorageStatus.NotCaughtUp, "hole");
        var image = new byte[Map!.PageSize];
        var version = Lsn.Zero;
        foreach (var frame in frames.Values)
        {
            for (int i = 0; i < frame.Records.Length; i++)
            {
                var lsn = new Lsn(frame.First.Value + (ulong)i);
                if (lsn > get.AsOf || frame.Records[i].Page != get.Page)
                    continue;
                PageDelta.Apply(frame.Records[i].Delta.Span, image);
                version = lsn;
            }
        }
        return new PageResponse(version, image);
    }

    StorageResponse ReadLog(ReadLogRequest read)
    {
        if (CheckEpoch(read.Epoch) is { } refused)
            return refused;
        if (!_segments.TryGetValue(read.Group, out var frames))
            return Error(StorageStatus.NotMember, "no such segment");
        var tail = Lsn.Zero;
        var above = new List<SegmentFrame>();
        foreach (var frame in frames.Values)
        {
            if (frame.Last <= read.After)
                tail = Lsn.Max(tail, frame.Last);
            else
                above.Add(frame);
        }
        return new ReadLogResponse(read.Group, Scl(read.Group), tail, Lsn.Zero, KnownDurable, PageCountAtKnownDurable, above, More: false);
    }

    NodeStatusResponse Status() => new(Id, Info.Zone, Map?.Version ?? 0, Map?.Epoch ?? default,
        [.. _segments.Keys.Order().Select(g => new SegmentStatus(g, Scl(g), MaxLsn(g), Lsn.Zero, 0, "healthy"))]);

    Lsn MaxLsn(uint group) => _segments[group].Count == 0 ? Lsn.Zero : _segments[group].Values.Max(f => f.Last);
}
