using System.Collections.Immutable;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;

namespace Borealis.Volume.Quorum;

public sealed partial class QuorumVolumeCore
{
    /// <summary>Frames kept per group for retransmission beyond what every member acknowledged (only durable ones are dropped).</summary>
    const int MaxRetainedFrames = 8192;

    /// <summary>How long an up node that is behind gets before its missing frames are sent again.</summary>
    const long RetransmitQuietMs = 2 * MinBackoffMs;

    /// <summary>An idle member gets an empty append this often (at most a quarter of ReplaceAfter).</summary>
    long HeartbeatMs => Math.Clamp((long)_options.ReplaceAfter.TotalMilliseconds / 4, MinBackoffMs, 1000);

    readonly List<GroupState> _groups = [];
    readonly Dictionary<(uint Group, NodeId Node), Lsn> _acked = [];
    readonly Queue<PendingBatch> _batches = new();
    readonly List<(Lsn Commit, uint PageCount)> _pageCounts = [];
    Lsn _durable;
    uint _durablePageCount;
    Lsn _appended;
    // The commit LSN of the last batch released to the nodes: a batch appended while an earlier released one is not
    // yet durable waits (queued) and leaves with the others appended meanwhile when VDL covers the released ones.
    Lsn _released;
    Lsn _nextLsn = new(1);
    Lsn _horizon;

    /// <summary>Each segment's SCL as its node acknowledged it (after fsync).</summary>
    public IReadOnlyDictionary<(uint Group, NodeId Node), Lsn> AckedScl => _acked;

    /// <summary>The protection group complete LSN: a write quorum of its segments holds every record of the group up to here.</summary>
    public Lsn Pgcl(uint group) => group < _groups.Count ? ComputePgcl(group) : Lsn.Zero;

    /// <summary>The volume complete LSN as this writer knows it: every record up to here reached a write quorum of its group.</summary>
    public Lsn Vcl
    {
        get
        {
            var vcl = _durable;
            foreach (var batch in _batches)
            {
                foreach (var part in batch.Parts)
                {
                    if (part.Last > ComputePgcl(part.Group))
                        return vcl;
                }
                vcl = batch.Commit;
            }
            return vcl;
        }
    }

    /// <inheritdoc cref="IVolume.Append"/>
    public AppendResult Append(RedoBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_replica is not null)
            throw new VolumeException("The volume is a read-only replica: it cannot append.");
        if (_state == QuorumVolumeState.Failed)
            throw FailedException();
        if (_state != QuorumVolumeState.Open)
            throw new VolumeException("The quorum volume is not open yet.", isTransient: true);
        var records = batch.Records;
        if (records.Count == 0)
            throw new ArgumentException("A batch has at least one record.", nameof(batch));
        var map = _map!;
        uint maxGroup = 0;
        bool sorted = true;
        uint previousGroup = 0;
        for (int i = 0; i < records.Count; i++)
        {
            if (records[i].Page.Value == 0)
                throw new ArgumentException("Pages are numbered from 1.", nameof(batch));
            uint group = map.GroupOf(records[i].Page);
            maxGroup = Math.Max(maxGroup, group);
            sorted &= group >= previousGroup;
            previousGroup = group;
        }
        uint groupsNeeded = Math.Max(maxGroup + 1, (uint)((batch.PageCount + (ulong)map.PagesPerGroup - 1) / map.PagesPerGroup));
        if (groupsNeeded > (uint)map.Groups.Length)
            map = AddGroups(groupsNeeded);

        // The part of the batch in one group must be a contiguous LSN range: order records by group (stable, so a
        // batch already in page order, as the engine's, keeps record i at LSN First + i).
        IReadOnlyList<RedoRecord> ordered = sorted ? records : [.. records.Select((r, i) => (r, i)).OrderBy(x => map.GroupOf(x.r.Page)).ThenBy(x => x.i).Select(x => x.r)];
        var first = _nextLsn;
        var commit = new Lsn(first.Value + (ulong)ordered.Count - 1);
        var frames = new List<SegmentFrame>();
        int start = 0;
        while (start < ordered.Count)
        {
            uint group = map.GroupOf(ordered[start].Page);
            int end = start + 1;
            while (end < ordered.Count && map.GroupOf(ordered[end].Page) == group)
                end++;
            var state = _groups[(int)group];
            var frame = new SegmentFrame(group, map.Epoch, new Lsn(first.Value + (ulong)start), state.Tail, commit, batch.PageCount,
                [.. ordered.Skip(start).Take(end - start)]);
            state.Tail = frame.Last;
            state.Lasts.Add(frame.Last);
            state.Retained.Add(frame);
            frames.Add(frame);
            start = end;
        }
        _batches.Enqueue(new PendingBatch(commit, batch.PageCount, [.. frames.Select(f => (f.Group, f.Last))]));
        _pageCounts.Add((commit, batch.PageCount));
        _appended = commit;
        _nextLsn = commit.Next;

        bool release = !_options.PaceAppends || _durable >= _released;
        if (release)
            _released = commit;
        foreach (var info in map.Nodes)
        {
            var node = NodeFor(info);
            if (node.Down || node.NeedsMap)
                continue; // Tick sends it everything it missed once it answers.
            List<SegmentFrame>? forNode = null;
            foreach (var frame in frames)
            {
                if (map.Groups[(int)frame.Group].Contains(info.Id))
                    (forNode ??= []).Add(frame);
            }
            if (forNode is null)
                continue;
            if (release && node.OutstandingAppends < _options.MaxAppendsInFlight && node.Queued.Count == 0)
                SendAppend(node, forNode);
            else
                node.Queued.AddRange(forNode);
        }
        return new AppendResult(first, commit);
    }

    // Nodes may coalesce versions below the horizon: never tell them one above VDL (those frames may yet be truncated).
    void SendAppend(NodeState node, IReadOnlyList<SegmentFrame> frames) =>
        Send(node, RequestKind.Append, new AppendRequest(_map!.Epoch, _durable, _durablePageCount, Lsn.Min(_horizon, _durable), frames));

    /// <summary>Adds groups up to <paramref name="count"/> with a map write; their frames count toward durability once it is on a quorum.</summary>
    VolumeMap AddGroups(uint count)
    {
        var map = _map!;
        var groups = map.Groups.ToBuilder();
        for (uint g = (uint)groups.Count; g < count; g++)
            groups.Add(new GroupMembership(g, 1, Place(map.Nodes, g), []));
        var grown = map with { Version = map.Version + 1, Groups = groups.ToImmutable() };
        EnsureGroupStates(grown);
        grown = ChangeMap(grown, null);
        GroupsAdded += (int)(count - (uint)map.Groups.Length);
        return grown;
    }

    /// <summary>Groups added by growth since open.</summary>
    public int GroupsAdded { get; private set; }

    void EnsureGroupStates(VolumeMap map)
    {
        while (_groups.Count < map.Groups.Length)
            _groups.Add(new GroupState((uint)_groups.Count));
    }

    void OnAppendResponse(NodeState node, StorageResponse response)
    {
        node.OutstandingAppends--;
        HandleAppendResponse(node, response);
        if (node.Queued.Count == 0)
            return;
        if (node.Down || node.NeedsMap || response is ErrorResponse)
        {
            node.Queued.Clear(); // Tick resends what it lacks from the retained frames once it answers again.
            return;
        }
        // Frames not released yet wait for the release (ReleaseQueued); a node behind gets released ones at once.
        if (node.Queued[0].Commit <= _released && node.OutstandingAppends < _options.MaxAppendsInFlight)
            SendQueued(node);
    }

    void SendQueued(NodeState node)
    {
        var queued = node.Queued.ToArray();
        node.Queued.Clear();
        SendAppend(node, queued);
    }

    /// <summary>
    /// Once VDL covers every released batch, releases the ones appended since: each idle node gets everything queued
    /// for it in one request. So concurrent commits leave together at the pace of the write quorum, not one request
    /// per commit to whichever node answered first.
    /// </summary>
    void ReleaseQueued()
    {
        if (_durable < _released || _appended <= _released)
            return;
        _released = _appended;
        foreach (var node in _nodes.Values)
        {
            if (!node.Down && !node.NeedsMap && node.Queued.Count > 0 && node.OutstandingAppends < _options.MaxAppendsInFlight)
                SendQueued(node);
        }
    }

    void HandleAppendResponse(NodeState node, StorageResponse response)
    {
        switch (response)
        {
            case AppendResponse ack:
                foreach (var progress in ack.Segments)
                    RecordAck(progress.Group, node.Info.Id, progress.Scl);
                if (IsBehind(node))
                    node.RetryAt = Math.Max(node.RetryAt, _host.NowMilliseconds + RetransmitQuietMs);
                foreach (var progress in ack.Segments)
                    TrimRetained(progress.Group);
                AdvanceDurable();
                break;
            case ErrorResponse { Status: StorageStatus.UnknownEpoch or StorageStatus.NotMember }:
                node.NeedsMap = true;
                SendMapToNode(node);
                break;
            case ErrorResponse { Status: StorageStatus.Unreachable }:
                break; // Marked down; Tick retries with backoff.
            case ErrorResponse:
                node.Backoff = Math.Min(node.Backoff * 2, MaxBackoffMs);
                node.RetryAt = _host.NowMilliseconds + node.Backoff;
                break;
        }
    }

    void RecordAck(uint group, NodeId node, Lsn scl)
    {
        if (_acked.TryGetValue((group, node), out var known) && known >= scl)
            return;
        _acked[(group, node)] = scl;
    }

    Lsn AckedOf(uint group, NodeId node) => _acked.GetValueOrDefault((group, node));

    Lsn ComputePgcl(uint group)
    {
        if (_committedMap is null || group >= (uint)_committedMap.Groups.Length || _map is null)
            return Lsn.Zero; // A new group counts only once the map that adds it is on a quorum.
        var membership = _map.Groups[(int)group];
        var pgcl = SetPgcl(group, membership.Members);
        if (membership.InTransition)
            pgcl = Lsn.Min(pgcl, SetPgcl(group, membership.Next));
        return pgcl;
    }

    Lsn SetPgcl(uint group, ImmutableArray<NodeId> members)
    {
        Span<ulong> scls = stackalloc ulong[members.Length];
        for (int i = 0; i < members.Length; i++)
            scls[i] = AckedOf(group, members[i]).Value;
        scls.Sort();
        int quorum = WriteQuorum(members.Length);
        return new Lsn(scls[members.Length - quorum]);
    }

    /// <summary>VDL: the commit of the newest batch such that it and every older one are complete in every group.</summary>
    void AdvanceDurable()
    {
        if (_state != QuorumVolumeState.Open)
        {
            CheckRecoveryReplicated();
            return;
        }
        while (_batches.TryPeek(out var batch) && IsOnWriteQuorum(batch))
        {
            _batches.Dequeue();
            _durable = batch.Commit;
            _durablePageCount = batch.PageCount;
        }
        ReleaseQueued();
    }

    bool IsOnWriteQuorum(PendingBatch batch)
    {
        foreach (var (group, last) in batch.Parts)
        {
            if (last > ComputePgcl(group))
                return false;
        }
        return true;
    }

    void OnMapCommitted(VolumeMap map)
    {
        _ = map;
        if (_state == QuorumVolumeState.Open)
            AdvanceDurable();
    }

    bool IsBehind(NodeState node)
    {
        if (_map is null)
            return false;
        foreach (var membership in _map.Groups)
        {
            if (membership.Contains(node.Info.Id) && _groups[(int)membership.Group].Retained.Count > 0
                && AckedOf(membership.Group, node.Info.Id) < _groups[(int)membership.Group].Tail)
                return true;
        }
        return false;
    }

    /// <summary>Drops frames every member has, and durable frames beyond the retention limit (gossip fills those).</summary>
    void TrimRetained(uint group)
    {
        if (_map is null || group >= (uint)_groups.Count)
            return;
        var retained = _groups[(int)group].Retained;
        var membership = _map.Groups[(int)group];
        var lowest = Lsn.MaxValue;
        foreach (var member in membership.Members)
            lowest = Lsn.Min(lowest, AckedOf(group, member));
        if (membership.InTransition)
        {
            foreach (var member in membership.Next)
                lowest = Lsn.Min(lowest, AckedOf(group, member));
        }
        int drop = 0;
        while (drop < retained.Count && (retained[drop].Last <= lowest
            || (retained.Count - drop > MaxRetainedFrames && retained[drop].Last <= _durable)))
            drop++;
        if (drop > 0)
            retained.RemoveRange(0, drop);
    }

    /// <summary>Sends each node that missed frames (down, refused, or with a hole) what it lacks, with backoff; probes down nodes.</summary>
    void TickAppends(long now)
    {
        if (_map is null || _state == QuorumVolumeState.Failed)
            return;
        if (_state == QuorumVolumeState.Opening && !_recoveryReplicating)
            return;
        foreach (var info in _map.Nodes)
        {
            var node = NodeFor(info);
            if (now < node.RetryAt || node.OutstandingAppends > 0)
                continue;
            if (node.NeedsMap)
            {
                SendMapToNode(node);
                node.RetryAt = now + node.Backoff;
                continue;
            }
            bool member = false;
            List<SegmentFrame>? frames = null;
            foreach (var membership in _map.Groups)
            {
                if (!membership.Contains(info.Id))
                    continue;
                member = true;
                var acked = AckedOf(membership.Group, info.Id);
                foreach (var frame in _groups[(int)membership.Group].Retained)
                {
                    if (frame.Last > acked)
                        (frames ??= []).Add(frame);
                }
            }
            if (!member || (frames is null && !node.Down && now - node.LastAppendAt < HeartbeatMs))
                continue;
            // A down node gets an empty append as a probe when it lacks nothing we still hold; an idle one as a
            // heartbeat (liveness for repair, and the piggybacked durable LSN and read horizon).
            SendAppend(node, frames ?? []);
            node.RetryAt = now + (node.Down ? node.Backoff : RetransmitQuietMs);
        }
    }

    /// <inheritdoc cref="IVolume.GetPageCount"/>
    public uint GetPageCount(Lsn asOf)
    {
        uint count = _durablePageCountAtOpen;
        int lo = 0, hi = _pageCounts.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (_pageCounts[mid].Commit <= asOf)
            {
                count = _pageCounts[mid].PageCount;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return count;
    }

    /// <inheritdoc cref="IVolume.SetReadHorizon"/>
    public void SetReadHorizon(Lsn oldestReadPoint)
    {
        if (oldestReadPoint <= _horizon)
            return;
        _horizon = oldestReadPoint;
        // Keep the newest entry at or below the horizon: reads at the horizon still need it.
        int keep = 0;
        while (keep + 1 < _pageCounts.Count && _pageCounts[keep + 1].Commit <= oldestReadPoint)
            keep++;
        if (keep > 0)
        {
            _durablePageCountAtOpen = _pageCounts[keep - 1].PageCount;
            _pageCounts.RemoveRange(0, keep);
        }
        foreach (var group in _groups)
        {
            var lasts = group.Lasts;
            int drop = 0;
            while (drop + 1 < lasts.Count && lasts[drop + 1] <= oldestReadPoint)
                drop++;
            if (drop > 0)
                lasts.RemoveRange(0, drop);
        }
    }

    // The page count before the first entry of _pageCounts (at open: the recovered one).
    uint _durablePageCountAtOpen;

    /// <summary>The last LSN of the group at or below <paramref name="asOf"/>: what a segment must hold to serve a read there.</summary>
    Lsn RequiredScl(uint group, Lsn asOf)
    {
        if (group >= (uint)_groups.Count)
            return Lsn.Zero;
        var lasts = _groups[(int)group].Lasts;
        if (lasts.Count == 0)
            return Lsn.Zero; // The group has no frames.
        if (lasts[0] > asOf)
        {
            // At or above the recovered VDL and the read horizon the list holds every frame end up to asOf: the
            // group has no frame at or below it. Below them, the oldest end known (a segment holding it holds
            // everything older too).
            return asOf >= Lsn.Max(_recoveredVdl, _horizon) ? Lsn.Zero : lasts[0];
        }
        var required = lasts[0];
        int lo = 0, hi = lasts.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (lasts[mid] <= asOf)
            {
                required = lasts[mid];
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return required;
    }

    sealed record PendingBatch(Lsn Commit, uint PageCount, (uint Group, Lsn Last)[] Parts);

    sealed class GroupState(uint group)
    {
        public uint Group { get; } = group;

        /// <summary>The Last of the group's newest frame: the backlink of its next one.</summary>
        public Lsn Tail { get; set; }

        /// <summary>Lasts of the group's frames since open (and the recovered tail), trimmed at the read horizon.</summary>
        public List<Lsn> Lasts { get; } = [];

        /// <summary>The chain tail recovery found (a joining segment must reach it).</summary>
        public Lsn RecoveredTail { get; set; }

        /// <summary>Frames some member may still lack, oldest first.</summary>
        public List<SegmentFrame> Retained { get; } = [];
    }
}
