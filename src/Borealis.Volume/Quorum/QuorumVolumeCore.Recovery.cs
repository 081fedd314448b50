using Borealis.Common;
using Borealis.Storage.Protocol;

namespace Borealis.Volume.Quorum;

public sealed partial class QuorumVolumeCore
{
    /// <summary>Bytes of frames asked for per ReadLog during recovery.</summary>
    const int RecoveryReadBytes = 1 << 20;

    RecoveryPhase _phase = RecoveryPhase.NotStarted;
    readonly Dictionary<NodeId, VolumeMap?> _mapAnswers = [];
    readonly HashSet<NodeId> _mapReadsInFlight = [];
    VolumeMap? _foundMap;
    int _round;
    readonly Dictionary<(uint Group, NodeId Node), LogAnswer> _logAnswers = [];
    Lsn _d0;
    uint _d0PageCount;
    Lsn _recoveredVdl;
    uint _recoveredPageCount;
    bool _recoveryReplicating;
    readonly Dictionary<uint, Lsn> _replicateTargets = [];

    /// <summary>What recovery found: D0 (the highest durable LSN nodes were told), VCL and VDL of the union of a read quorum.</summary>
    public (Lsn D0, Lsn Vcl, Lsn Vdl) Recovered { get; private set; }

    /// <summary>Whether this client created the volume (no node held a map).</summary>
    public bool Created { get; private set; }

    /// <summary>Starts recovery: read the map and a read quorum of every group, compute VDL, fence with a new epoch.</summary>
    public void StartOpen()
    {
        if (_phase != RecoveryPhase.NotStarted)
            throw new InvalidOperationException("StartOpen was already called.");
        _phase = RecoveryPhase.ReadingMap;
        foreach (var info in _options.Nodes)
            SendGetMap(NodeFor(info));
    }

    void SendGetMap(NodeState node)
    {
        _mapReadsInFlight.Add(node.Info.Id);
        Send(node, RequestKind.GetMap, new GetMapRequest());
    }

    void OnGetMapResponse(NodeState node, StorageResponse response)
    {
        _mapReadsInFlight.Remove(node.Info.Id);
        if (_replica is not null && _phase != RecoveryPhase.ReadingMap)
        {
            OnReplicaMapAnswer(node, response);
            return;
        }
        if (_phase != RecoveryPhase.ReadingMap)
            return;
        if (response is MapResponse answer)
        {
            _mapAnswers[node.Info.Id] = answer.Map;
            EvaluateMapRead();
        }
    }

    VolumeMap? NewestAnswer()
    {
        VolumeMap? newest = null;
        foreach (var (_, map) in _mapAnswers.OrderBy(a => a.Key.Value))
        {
            if (map is not null && map.IsNewerThan(newest))
                newest = map;
        }
        return newest;
    }

    void EvaluateMapRead()
    {
        var newest = NewestAnswer();
        if (newest is null)
        {
            if (_mapAnswers.Count < ReadQuorum(_options.Nodes.Count))
                return;
            if (!_options.CreateIfMissing || _replica is not null)
            {
                Fail(new VolumeException("No storage node holds a volume map and CreateIfMissing is off."));
                return;
            }
            CreateVolume();
            return;
        }
        if (newest.PageSize != _options.PageSize)
        {
            Fail(new VolumeException($"The volume has {newest.PageSize}-byte pages; the client was configured for {_options.PageSize}."));
            return;
        }
        // Ask the nodes the map knows and we did not: the read quorum is over its fleet and its groups.
        foreach (var info in newest.Nodes)
        {
            var node = NodeFor(info);
            if (!_mapAnswers.ContainsKey(info.Id) && !_mapReadsInFlight.Contains(info.Id) && !node.Down)
                SendGetMap(node);
        }
        int answered = newest.Nodes.Count(n => _mapAnswers.ContainsKey(n.Id));
        if (answered < newest.MapReadQuorum)
            return;
        foreach (var group in newest.Groups)
        {
            if (!HasReadQuorum(group.Members, _mapAnswers.ContainsKey) || (group.InTransition && !HasReadQuorum(group.Next, _mapAnswers.ContainsKey)))
                return;
        }
        if (_replica is not null)
            OpenReplica(newest);
        else
            StartProbe(newest);
    }

    static bool HasReadQuorum(System.Collections.Immutable.ImmutableArray<NodeId> set, Func<NodeId, bool> answered) =>
        set.Count(answered) >= ReadQuorum(set.Length);

    void CreateVolume()
    {
        _phase = RecoveryPhase.Creating;
        Created = true;
        VolumeMap map;
        try
        {
            var nodes = _options.Nodes.ToList();
            map = new VolumeMap(_options.NewVolumeId ?? Guid.NewGuid(), 1, new VolumeEpoch(1), _options.PageSize, _options.PagesPerGroup,
                [.. nodes], [new GroupMembership(0, 1, Place(nodes, 0), [])], []);
        }
        catch (VolumeException ex)
        {
            Fail(ex);
            return;
        }
        map = ChangeMap(map, () => StartProbe(map));
    }

    /// <summary>
    /// Fences first: a map version with the next epoch (no truncation yet) on a map write quorum, which is also a
    /// write quorum of every group. Only then are the logs read (at the new epoch), so no append of an older writer
    /// can be acknowledged by a write quorum after the read: any acknowledgement it collected is in the read.
    /// </summary>
    void StartProbe(VolumeMap map)
    {
        _foundMap = map;
        _map = map;
        foreach (var node in map.Nodes)
            NodeFor(node).Info = node;
        EnsureGroupStates(map);
        _phase = RecoveryPhase.Fencing;
        var nodes = map.Nodes.Concat(_options.Nodes.Where(n => !map.Nodes.Any(m => m.Id == n.Id))).ToList();
        var fenced = map with { Version = map.Version + 1, Epoch = map.Epoch.Next, Nodes = [.. nodes] };
        fenced = ChangeMap(fenced, () => StartLogRead(fenced));
    }

    /// <summary>Round 1: every group's KnownDurable (the highest VDL a writer told the nodes) from a read quorum, without frames.</summary>
    void StartLogRead(VolumeMap fenced)
    {
        _foundMap = fenced;
        _phase = RecoveryPhase.Probing;
        _round = 1;
        StartRound(Lsn.MaxValue);
    }

    void StartRound(Lsn after)
    {
        _logAnswers.Clear();
        foreach (var group in _foundMap!.Groups)
        {
            foreach (var member in group.Members.Concat(group.InTransition ? group.Next : []).Distinct())
            {
                var answer = new LogAnswer(after);
                _logAnswers[(group.Group, member)] = answer;
                SendReadLog(group.Group, _nodes[member], answer);
            }
        }
        EvaluateRound();
    }

    void SendReadLog(uint group, NodeState node, LogAnswer answer)
    {
        answer.InFlight = true;
        Send(node, RequestKind.ReadLog, new ReadLogRequest(_foundMap!.Epoch, group, answer.After, _round == 1 ? 1 : RecoveryReadBytes),
            group: group, round: _round);
    }

    void OnReadLogResponse(NodeState node, PendingRequest request, StorageResponse response)
    {
        if (request.Round != _round || _phase is not (RecoveryPhase.Probing or RecoveryPhase.ReadingLogs))
            return;
        if (!_logAnswers.TryGetValue((request.Group, node.Info.Id), out var answer))
            return;
        answer.InFlight = false;
        switch (response)
        {
            case ReadLogResponse log:
                if (!answer.Started)
                {
                    answer.Started = true;
                    answer.Tail = log.TailAtOrBelowAfter;
                    answer.KnownDurable = log.KnownDurable;
                    answer.PageCountAtKnownDurable = log.PageCountAtKnownDurable;
                }
                if (_round == 2)
                {
                    foreach (var frame in log.Frames)
                    {
                        if (frame.Group == request.Group)
                            answer.Frames.Add(frame);
                    }
                    if (log.More && log.Frames.Count > 0)
                    {
                        answer.After = log.Frames[^1].Last;
                        SendReadLog(request.Group, node, answer);
                        return;
                    }
                }
                answer.Done = true;
                EvaluateRound();
                break;
            case ErrorResponse { Status: StorageStatus.UnknownEpoch or StorageStatus.NotMember }:
                SendMapToNode(node);
                answer.RetryAt = _host.NowMilliseconds + MinBackoffMs;
                break;
            default:
                answer.RetryAt = _host.NowMilliseconds + node.Backoff;
                break;
        }
    }

    void EvaluateRound()
    {
        foreach (var group in _foundMap!.Groups)
        {
            bool Done(NodeId node) => _logAnswers.TryGetValue((group.Group, node), out var a) && a.Done;
            if (!HasReadQuorum(group.Members, Done) || (group.InTransition && !HasReadQuorum(group.Next, Done)))
                return;
        }
        if (_round == 1)
        {
            foreach (var answer in _logAnswers.OrderBy(a => a.Key.Group).ThenBy(a => a.Key.Node.Value).Select(a => a.Value))
            {
                if (answer.Done && answer.KnownDurable > _d0)
                {
                    _d0 = answer.KnownDurable;
                    _d0PageCount = answer.PageCountAtKnownDurable;
                }
            }
            _phase = RecoveryPhase.ReadingLogs;
            _round = 2;
            StartRound(_d0);
            return;
        }
        FinishLogRead();
    }

    /// <summary>Union of the read quorum's frames above D0 → VCL, VDL, page count and chain tails; then fence.</summary>
    void FinishLogRead()
    {
        var map = _foundMap!;
        var union = new SortedDictionary<ulong, SegmentFrame>();
        var tails = new Dictionary<uint, Lsn>();
        foreach (var ((group, _), answer) in _logAnswers.OrderBy(a => a.Key.Group).ThenBy(a => a.Key.Node.Value))
        {
            if (!answer.Done)
                continue;
            tails[group] = Lsn.Max(tails.GetValueOrDefault(group), Lsn.Min(answer.Tail, _d0));
            foreach (var frame in answer.Frames)
            {
                if (frame.Last > _d0 && !map.IsVoid(frame.Epoch, frame.Last))
                    union.TryAdd(frame.First.Value, frame);
            }
        }

        // VCL: every LSN in (D0, VCL] is in some frame. VDL: the newest commit at or below it.
        var vcl = _d0;
        foreach (var frame in union.Values)
        {
            if (frame.First.Value > vcl.Value + 1)
                break;
            vcl = Lsn.Max(vcl, frame.Last);
        }
        var vdl = _d0;
        uint pageCount = _d0PageCount;
        foreach (var frame in union.Values)
        {
            if (frame.Commit <= vcl && frame.Commit >= vdl && frame.Commit > _d0)
            {
                vdl = frame.Commit;
                pageCount = frame.PageCount;
            }
        }
        Recovered = (_d0, vcl, vdl);
        _recoveredVdl = vdl;
        _recoveredPageCount = pageCount;

        _replicateTargets.Clear();
        // Reads need each group's frame Lasts over the recovered range: the tail at or below D0, then every frame
        // in (D0, VDL]. Below the first one, RequiredScl asks for it (conservative: it is above anything older).
        foreach (var state in _groups)
        {
            state.Retained.Clear();
            state.Lasts.Clear();
            state.Tail = tails.GetValueOrDefault(state.Group);
            if (state.Tail > Lsn.Zero)
                state.Lasts.Add(state.Tail);
        }
        foreach (var frame in union.Values)
        {
            if (frame.Last > vdl)
                break;
            var state = _groups[(int)frame.Group];
            state.Retained.Add(frame);
            if (frame.Last > state.Tail)
            {
                state.Tail = frame.Last;
                state.Lasts.Add(frame.Last);
            }
            _replicateTargets[frame.Group] = frame.Last;
        }
        foreach (var state in _groups)
            state.RecoveredTail = state.Tail;

        // The epoch is already fenced: add the truncation of every older frame above VDL.
        _phase = RecoveryPhase.Truncating;
        var current = _map!;
        var truncated = current with
        {
            Version = current.Version + 1,
            Truncations = current.Truncations.Add(new Truncation(current.Epoch, vdl)),
        };
        // Every node must take this map before it gets appends or reads of this epoch: with only the fencing map it
        // would still hold (and count in its SCL) frames of the old writer that the truncation voids.
        _appendMapVersion = truncated.Version;
        foreach (var info in truncated.Nodes)
            NodeFor(info).NeedsMap = true;
        ChangeMap(truncated, StartReplicating);
    }

    /// <summary>Re-sends the frames in (D0, VDL] to every member and waits until a write quorum of each group holds them.</summary>
    void StartReplicating()
    {
        _phase = RecoveryPhase.Replicating;
        _recoveryReplicating = true;
        // Until the re-sent frames are on a quorum, nodes are told only D0 is durable.
        _durable = _d0;
        _durablePageCount = _d0PageCount;
        _appended = _recoveredVdl;
        _durablePageCountAtOpen = _recoveredPageCount;
        // Epoch-versioned truncation voids every older frame above VDL, so new LSNs continue right after it.
        _nextLsn = _recoveredVdl.Next;
        var map = _map!;
        foreach (var info in map.Nodes)
        {
            var node = NodeFor(info);
            if (node.Down || node.NeedsMap || !map.Groups.Any(g => g.Contains(info.Id)))
                continue; // Tick sends it the map, then what it lacks.
            var frames = new List<SegmentFrame>();
            foreach (var state in _groups)
            {
                if (map.Groups[(int)state.Group].Contains(info.Id))
                    frames.AddRange(state.Retained);
            }
            SendAppend(node, frames);
            node.RetryAt = _host.NowMilliseconds + RetransmitQuietMs;
        }
        CheckRecoveryReplicated();
    }

    void CheckRecoveryReplicated()
    {
        if (!_recoveryReplicating || _state != QuorumVolumeState.Opening)
            return;
        foreach (var (group, target) in _replicateTargets)
        {
            if (ComputePgcl(group) < target)
                return;
        }
        _recoveryReplicating = false;
        _phase = RecoveryPhase.Done;
        _durable = _recoveredVdl;
        _durablePageCount = _recoveredPageCount;
        _state = QuorumVolumeState.Open;
    }

    /// <summary>Resends recovery requests that failed, with backoff.</summary>
    void TickRecovery(long now)
    {
        switch (_phase)
        {
            case RecoveryPhase.ReadingMap:
                var nodes = _options.Nodes.Concat(NewestAnswer()?.Nodes ?? []).DistinctBy(n => n.Id);
                foreach (var info in nodes)
                {
                    var node = NodeFor(info);
                    if (!_mapAnswers.ContainsKey(info.Id) && !_mapReadsInFlight.Contains(info.Id) && now >= node.RetryAt)
                    {
                        node.RetryAt = now + node.Backoff;
                        SendGetMap(node);
                    }
                }
                break;
            case RecoveryPhase.Probing or RecoveryPhase.ReadingLogs:
                foreach (var ((group, id), answer) in _logAnswers.OrderBy(a => a.Key.Group).ThenBy(a => a.Key.Node.Value))
                {
                    if (!answer.Done && !answer.InFlight && now >= answer.RetryAt)
                        SendReadLog(group, _nodes[id], answer);
                }
                break;
        }
    }

    /// <summary>A one-line description of the recovery state, for test failures and logs.</summary>
    internal string DescribeRecovery() =>
        $"phase {_phase} round {_round} D0 {_d0} state {_state} map v{_map?.Version} e{_map?.Epoch} committed v{_committedMap?.Version} " +
        $"mapwrite {(_mapWrite is null ? "-" : $"v{_mapWrite.Map.Version} acked [{string.Join(",", _mapWrite.Acked.Order())}]")} " +
        $"answers [{string.Join(" ", _logAnswers.Select(a => $"{a.Key.Group}/{a.Key.Node}:{(a.Value.Done ? "done" : a.Value.InFlight ? "flight" : "wait")}"))}] " +
        $"targets [{string.Join(" ", _replicateTargets.Select(t => $"{t.Key}:{t.Value}/pgcl {ComputePgcl(t.Key)}"))}] " +
        $"acked [{string.Join(" ", _acked.Select(a => $"{a.Key.Group}/{a.Key.Node}={a.Value}"))}] down [{string.Join(",", _nodes.Values.Where(n => n.Down).Select(n => n.Info.Id))}]";

    enum RecoveryPhase
    {
        NotStarted,
        ReadingMap,
        Creating,
        Probing,
        ReadingLogs,
        Fencing,
        Truncating,
        Replicating,
        Done,
    }

    sealed class LogAnswer(Lsn after)
    {
        public Lsn After { get; set; } = after;
        public bool InFlight { get; set; }
        public bool Started { get; set; }
        public bool Done { get; set; }
        public long RetryAt { get; set; }
        public Lsn Tail { get; set; }
        public Lsn KnownDurable { get; set; }
        public uint PageCountAtKnownDurable { get; set; }
        public List<SegmentFrame> Frames { get; } = [];
    }
}
