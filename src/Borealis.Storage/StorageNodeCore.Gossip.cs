using Borealis.Common;
using Borealis.Storage.Files;
using Borealis.Storage.Protocol;
using Borealis.Storage.Segments;

namespace Borealis.Storage;

public sealed partial class StorageNodeCore
{
    /// <summary>A segment with nothing to repair still asks a peer every this many gossip rounds (catches silent lag).</summary>
    const int PeriodicGossipRounds = 10;

    /// <summary>The node asks a peer for its map every this many gossip rounds.</summary>
    const int MapExchangeRounds = 10;

    const int ReadLogMaxBytes = 1 << 20;
    const int ReadImagesMaxPages = 64;

    readonly Dictionary<long, PendingPeerRequest> _pending = [];
    long _nextCorrelation;
    long _lastGossip = long.MinValue;
    long _gossipRound;
    int _mapPeerCursor;

    long GossipIntervalMs => Math.Max(1, (long)_options.GossipInterval.TotalMilliseconds);

    /// <summary>A request to a peer not answered within this long is forgotten (the transport should answer Unreachable first).</summary>
    long PeerTimeoutMs => Math.Max(10 * GossipIntervalMs, 1000);

    /// <summary>Background work, called every few milliseconds: gossip, hydration, map exchange, checkpoints, scrub.</summary>
    public void Tick()
    {
        if (!_opened || _failure is not null || _map is null)
            return;
        try
        {
            long now = _host.NowMilliseconds;
            ExpirePending(now);
            if (_lastGossip == long.MinValue || now - _lastGossip >= GossipIntervalMs)
            {
                _lastGossip = now;
                _gossipRound++;
                foreach (var segment in _segments.Values.ToList())
                    Gossip(segment);
                if (_gossipRound % MapExchangeRounds == 1)
                    ExchangeMap();
            }
            foreach (var segment in _segments.Values.ToList())
                MaybeCheckpoint(segment);
            ReleaseOldestLog();
            if (_lastScrub == long.MinValue || now - _lastScrub >= (long)_options.ScrubInterval.TotalMilliseconds)
            {
                _lastScrub = now;
                ScrubSlice();
            }
        }
        catch (IOException e)
        {
            Fail(e);
        }
    }

    void ExpirePending(long now)
    {
        List<long>? expired = null;
        foreach (var (correlation, pending) in _pending)
        {
            if (now - pending.SentAt >= PeerTimeoutMs)
                (expired ??= []).Add(correlation);
        }
        if (expired is null)
            return;
        foreach (long correlation in expired)
            OnPeerResponse(correlation, Error(StorageStatus.Unreachable, "No answer in time."));
    }

    void Gossip(Segment segment)
    {
        if (segment.Pending != 0)
            return;
        if (segment.Hydration is not null)
        {
            SendReadImages(segment);
            return;
        }
        // Round 1 (just opened) and every PeriodicGossipRounds-th round ask even without a known gap.
        bool needed = segment.Fresh || segment.RepairWanted || segment.Scl < segment.MaxLsn || segment.PeerScl > segment.Scl
            || _gossipRound % PeriodicGossipRounds == 1;
        if (!needed || NextPeer(segment) is not { } peer)
            return;
        SendReadLog(segment, peer, segment.Scl);
    }

    void SendReadLog(Segment segment, StorageNodeInfo peer, Lsn after) =>
        segment.Pending = Send(PeerRequestKind.ReadLog, segment.Group, peer,
            new ReadLogRequest(_map!.Epoch, segment.Group, after, ReadLogMaxBytes));

    void SendReadImages(Segment segment)
    {
        var hydration = segment.Hydration!;
        segment.Pending = Send(PeerRequestKind.ReadImages, segment.Group, hydration.Peer,
            new ReadImagesRequest(_map!.Epoch, segment.Group, hydration.AsOf, hydration.NextPage, ReadImagesMaxPages));
    }

    void ExchangeMap()
    {
        var peers = _map!.Nodes.Where(n => n.Id != _options.Id).ToList();
        if (peers.Count == 0)
            return;
        var peer = peers[_mapPeerCursor++ % peers.Count];
        Send(PeerRequestKind.GetMap, uint.MaxValue, peer, new GetMapRequest());
    }

    /// <summary>The segment's peers in turn (members of both sets, not this node).</summary>
    StorageNodeInfo? NextPeer(Segment segment)
    {
        var membership = _map!.Groups[(int)segment.Group];
        var peers = new List<StorageNodeInfo>();
        foreach (var id in membership.Members.Concat(membership.Next.IsDefault ? [] : membership.Next))
        {
            if (id != _options.Id && _nodes.TryGetValue(id, out var node) && !peers.Contains(node))
                peers.Add(node);
        }
        if (peers.Count == 0)
            return null;
        return peers[segment.PeerCursor++ % peers.Count];
    }

    long Send(PeerRequestKind kind, uint group, StorageNodeInfo peer, StorageRequest request)
    {
        long correlation = ++_nextCorrelation;
        _pending[correlation] = new PendingPeerRequest(kind, group, peer, _host.NowMilliseconds);
        _host.SendToPeer(peer, correlation, request);
        return correlation;
    }

    /// <summary>The answer to a request the core sent with <see cref="IStorageNodeHost.SendToPeer"/>.</summary>
    public void OnPeerResponse(long correlation, StorageResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!_pending.Remove(correlation, out var pending) || _failure is not null || _map is null)
            return;
        try
        {
            if (pending.Kind is PeerRequestKind.GetMap or PeerRequestKind.SetMap)
            {
                if (response is MapResponse map)
                    OfferMap(map.Map);
                return;
            }
            if (!_segments.TryGetValue(pending.Group, out var segment) || segment.Pending != correlation)
                return;
            segment.Pending = 0;
            switch (response)
            {
                case ReadLogResponse log when log.Group == segment.Group:
                    OnReadLog(segment, pending.Peer, log);
                    break;
                case ReadImagesResponse images when images.Group == segment.Group:
                    OnReadImages(segment, images);
                    break;
                case ErrorResponse error:
                    OnPeerError(segment, pending.Peer, error);
                    break;
            }
        }
        catch (IOException e)
        {
            Fail(e);
        }
    }

    void OnPeerError(Segment segment, StorageNodeInfo peer, ErrorResponse error)
    {
        if (segment.Hydration is not null)
            AbandonHydration(segment);
        if (error.Status == StorageStatus.UnknownEpoch)
            Send(PeerRequestKind.SetMap, uint.MaxValue, peer, new SetMapRequest(_map!));
        else if (error.Status == StorageStatus.StaleEpoch)
            Send(PeerRequestKind.GetMap, uint.MaxValue, peer, new GetMapRequest());
    }

    void OnReadLog(Segment segment, StorageNodeInfo peer, ReadLogResponse response)
    {
        if (response.LogStart > segment.Scl && segment.Hydration is null)
        {
            // The peer no longer has the frames this segment misses: copy its images, then its log above them.
            StartHydration(segment, peer);
            return;
        }
        var frames = new List<(Segment, SegmentFrame)>(response.Frames.Count);
        foreach (var frame in response.Frames)
        {
            if (frame.Group == segment.Group && frame.Epoch <= _map!.Epoch && Validate(frame) is null)
                frames.Add((segment, frame));
        }
        StoreFrames(frames);
        if (response.Scl > segment.PeerScl)
            segment.PeerScl = response.Scl;
        if (segment.Scl >= response.Scl)
        {
            segment.Fresh = false;
            segment.RepairWanted = false;
        }
        if (response.More && response.Frames.Count > 0)
            SendReadLog(segment, peer, response.Frames[^1].Last);
    }

    void StartHydration(Segment segment, StorageNodeInfo peer)
    {
        string temp = FileNames.Temp(FileNames.Checkpoint(segment.Group));
        segment.Hydration = new Hydration(peer, new CheckpointWriter(_disk, temp, PageSize));
        segment.Fresh = true;
        SendReadImages(segment);
    }

    void AbandonHydration(Segment segment)
    {
        var hydration = segment.Hydration!;
        hydration.Writer.Dispose();
        DeleteIfExists(hydration.Writer.Name);
        segment.Hydration = null;
    }

    void OnReadImages(Segment segment, ReadImagesResponse response)
    {
        var hydration = segment.Hydration;
        if (hydration is null)
            return;
        if (hydration.AsOf == Lsn.Zero)
        {
            if (response.AsOf <= segment.Scl)
            {
                AbandonHydration(segment);
                segment.Fresh = segment.Scl == Lsn.Zero && segment.FrameCount == 0 && segment.Base == Lsn.Zero;
                return;
            }
            hydration.AsOf = response.AsOf;
        }
        else if (response.AsOf != hydration.AsOf)
        {
            AbandonHydration(segment);
            return;
        }
        foreach (var image in response.Images)
        {
            if (!InGroup(image.Page, segment.Group) || image.Image.Length != PageSize || image.Page <= hydration.Writer.LastPage)
            {
                AbandonHydration(segment);
                return;
            }
            hydration.Writer.Add(image.Page, image.Version, image.Image.Span);
        }
        if (response.NextPage.Value != 0)
        {
            hydration.NextPage = response.NextPage;
            SendReadImages(segment);
            return;
        }
        InstallBase(segment, hydration.AsOf, hydration.Writer);
        segment.Hydration = null;
        segment.Fresh = false;
        segment.PeerScl = Lsn.Max(segment.PeerScl, hydration.AsOf);
        Log.Hydrated(_logger, segment.Group, hydration.Peer.Id.Value, hydration.AsOf.Value, hydration.Writer.Index.Count);
        SendReadLog(segment, hydration.Peer, segment.Scl);
    }

    /// <summary>Makes a finished checkpoint file the segment's base, durably (fsync, rename, directory fsync).</summary>
    void InstallBase(Segment segment, Lsn position, CheckpointWriter writer)
    {
        writer.Finish(segment.Group, position, _knownDurable, _pageCountAtKnownDurable);
        writer.Dispose();
        string name = FileNames.Checkpoint(segment.Group);
        segment.Checkpoint?.Dispose();
        segment.Checkpoint = null;
        _disk.Rename(writer.Name, name);
        _disk.SyncDirectory();
        segment.Checkpoint = _disk.Open(name, create: false);
        var images = new SortedList<PageId, ImageEntry>(writer.Index.Count);
        foreach (var entry in writer.Index)
            images.Add(entry.Page, entry);
        segment.SetBase(position, images);
    }
}
