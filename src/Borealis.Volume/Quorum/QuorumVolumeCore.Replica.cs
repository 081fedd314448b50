using System.Buffers;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;

namespace Borealis.Volume.Quorum;

/// <summary>
/// The read-only (replica) mode: a read replica stands on the writer's volume without changing anything on the
/// nodes. It learns the map of the writer's epoch with GetMap (no epoch bump, no truncation, no repair, no read
/// horizon sent), takes each group's frame ends from the writer's redo stream (<see cref="Observe"/>) and the
/// writer's VDL (<see cref="ObserveDurable"/>), and reads pages through the writer's read path. A newer epoch seen
/// on any node means the writer changed: the core fails with <see cref="Superseded"/> set.
/// </summary>
public sealed partial class QuorumVolumeCore
{
    /// <summary>How often an open replica asks one node (in turn) for its map, to notice a new writer or map version.</summary>
    const long ReplicaMapProbeMs = 1000;

    /// <summary>How soon a node whose map is not (yet) the writer's is asked again.</summary>
    const long ReplicaMapRetryMs = 100;

    ReplicaState? _replica;

    /// <summary>True for a core opened with <see cref="StartOpenReplica"/>.</summary>
    public bool IsReplica => _replica is not null;

    /// <summary>A replica saw a newer epoch than the one it follows: the writer changed, and the replica failed.</summary>
    public bool Superseded { get; private set; }

    /// <summary>
    /// Starts opening as a read replica of the writer at <paramref name="epoch"/>: reads the map from a read quorum
    /// of the nodes and writes nothing. Reads are valid at <paramref name="start"/> and later once observed.
    /// </summary>
    /// <param name="epoch">The writer's epoch (its <see cref="Epoch"/>).</param>
    /// <param name="start">The replica's first read point: a durable commit LSN of the writer.</param>
    /// <param name="groupLasts">The writer's <see cref="GroupLasts"/> at <paramref name="start"/>.</param>
    /// <param name="pageCountAtStart">The writer's page count at <paramref name="start"/>.</param>
    public void StartOpenReplica(VolumeEpoch epoch, Lsn start, IReadOnlyList<Lsn> groupLasts, uint pageCountAtStart)
    {
        ArgumentNullException.ThrowIfNull(groupLasts);
        if (_phase != RecoveryPhase.NotStarted)
            throw new InvalidOperationException("The core was already opened.");
        _replica = new ReplicaState(epoch) { Observed = start, Vdl = start };
        for (int g = 0; g < groupLasts.Count; g++)
        {
            var state = new GroupState((uint)g) { Tail = groupLasts[g] };
            if (groupLasts[g] > Lsn.Zero)
                state.Lasts.Add(groupLasts[g]);
            _groups.Add(state);
        }
        _durable = start;
        _appended = start;
        _durablePageCountAtOpen = pageCountAtStart;
        _horizon = start;
        _phase = RecoveryPhase.ReadingMap;
        foreach (var info in _options.Nodes)
            SendGetMap(NodeFor(info));
    }

    /// <summary>
    /// Each group's newest frame end at or below <paramref name="at"/> (<see cref="Lsn.Zero"/>: none), indexed by
    /// group: what a replica starting at <paramref name="at"/> needs (<see cref="StartOpenReplica"/>). Below the
    /// read horizon a group's oldest known end is given (conservative: a segment holding it holds everything older).
    /// </summary>
    public Lsn[] GroupLasts(Lsn at)
    {
        var lasts = new Lsn[_groups.Count];
        for (int g = 0; g < lasts.Length; g++)
            lasts[g] = RequiredScl((uint)g, at);
        return lasts;
    }

    /// <summary>
    /// A replica learns a batch the writer appended (in LSN order, before any read at its LSNs): each touched
    /// group's frame end, and the batch's page count. A batch at or below what was already observed is ignored.
    /// </summary>
    /// <exception cref="ArgumentException">The batch overlaps one already observed, or its LSNs do not match its records.</exception>
    public void Observe(RedoBatch batch, AppendResult lsns)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var replica = RequireReplica();
        if (_map is null)
            throw new InvalidOperationException("The replica is not open yet.");
        if (lsns.Commit <= replica.Observed)
            return;
        var records = batch.Records;
        if (lsns.First <= replica.Observed)
            throw new ArgumentException($"Batch {lsns.First}..{lsns.Commit} overlaps what was observed (to {replica.Observed}).", nameof(lsns));
        if (records.Count == 0 || lsns.Commit.Value - lsns.First.Value + 1 != (ulong)records.Count)
            throw new ArgumentException($"Batch {lsns.First}..{lsns.Commit} does not have {records.Count} records.", nameof(lsns));

        // The writer stores a batch ordered by group (stable), so a group's frame ends at First + (the number of
        // the batch's records in it and in lower groups) - 1, whether the batch was in page order or not.
        var groups = ArrayPool<uint>.Shared.Rent(records.Count);
        try
        {
            bool sorted = true;
            for (int i = 0; i < records.Count; i++)
            {
                groups[i] = _map.GroupOf(records[i].Page);
                sorted &= i == 0 || groups[i] >= groups[i - 1];
            }
            if (!sorted)
                Array.Sort(groups, 0, records.Count);
            for (int i = 0; i < records.Count; i++)
            {
                if (i + 1 < records.Count && groups[i + 1] == groups[i])
                    continue;
                uint group = groups[i];
                while (_groups.Count <= (int)group)
                    _groups.Add(new GroupState((uint)_groups.Count));
                var state = _groups[(int)group];
                var last = new Lsn(lsns.First.Value + (ulong)i);
                if (last > state.Tail)
                {
                    state.Tail = last;
                    state.Lasts.Add(last);
                }
            }
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(groups);
        }
        _pageCounts.Add((lsns.Commit, batch.PageCount));
        replica.Observed = lsns.Commit;
        UpdateReplicaDurable(replica);
    }

    /// <summary>
    /// A replica learns the writer's VDL. Its <see cref="DurableLsn"/> (and <see cref="AppendedLsn"/>) become the
    /// lower of it and the newest observed commit: reads never go above what <see cref="Observe"/> described.
    /// </summary>
    public void ObserveDurable(Lsn vdl)
    {
        var replica = RequireReplica();
        if (vdl <= replica.Vdl)
            return;
        replica.Vdl = vdl;
        UpdateReplicaDurable(replica);
    }

    void UpdateReplicaDurable(ReplicaState replica)
    {
        var durable = Lsn.Min(replica.Vdl, replica.Observed);
        if (durable <= _durable)
            return;
        _durable = durable;
        _appended = durable;
    }

    ReplicaState RequireReplica() =>
        _replica ?? throw new InvalidOperationException("Only a replica core observes the writer's stream.");

    /// <summary>A replica's map read reached a read quorum: adopt the newest map if it is of the writer's epoch.</summary>
    void OpenReplica(VolumeMap newest)
    {
        var replica = _replica!;
        if (newest.Epoch > replica.Epoch)
        {
            Supersede(newest.Epoch);
            return;
        }
        if (newest.Epoch < replica.Epoch)
        {
            // The writer's map is on a write quorum, which meets every read quorum; wait for more answers unless
            // every node has answered.
            if (newest.Nodes.Concat(_options.Nodes).All(n => _mapAnswers.ContainsKey(n.Id)))
                Fail(new VolumeException($"No storage node holds the volume map of epoch {replica.Epoch} (newest: {newest.Epoch}).", isTransient: true));
            return;
        }
        _phase = RecoveryPhase.Done;
        AdoptReplicaMap(newest);
        foreach (var info in newest.Nodes)
            _nodes[info.Id].NeedsMap = !(_mapAnswers.TryGetValue(info.Id, out var map) && ServesReplica(map));
        _state = QuorumVolumeState.Open;
    }

    /// <summary>
    /// A node serves a replica's reads only with a map of the writer's epoch that holds the writer's truncation
    /// (with only the fencing map it would still count the old writer's voided frames), as the writer requires.
    /// </summary>
    bool ServesReplica(VolumeMap? map) =>
        map is not null && map.Epoch == _replica!.Epoch && map.Truncations.Any(t => t.Epoch == _replica.Epoch);

    void AdoptReplicaMap(VolumeMap map)
    {
        _map = map;
        _committedMap = map;
        foreach (var info in map.Nodes)
        {
            bool known = _nodes.ContainsKey(info.Id);
            var node = NodeFor(info);
            node.Info = info;
            if (!known)
                node.NeedsMap = true; // Not asked yet: TickReplica asks it.
        }
        EnsureGroupStates(map);
    }

    /// <summary>A GetMap answer to an open replica: a newer epoch supersedes it; a newer map of its epoch is adopted.</summary>
    void OnReplicaMapAnswer(NodeState node, StorageResponse response)
    {
        if (_state != QuorumVolumeState.Open || response is not MapResponse { Map: { } map } || map.VolumeId != _map!.VolumeId)
            return;
        if (map.Epoch > _replica!.Epoch)
        {
            Supersede(map.Epoch);
            return;
        }
        if (map.Epoch == _replica.Epoch && map.Version > _map.Version)
            AdoptReplicaMap(map);
        node.NeedsMap = !ServesReplica(map);
    }

    void Supersede(VolumeEpoch newer)
    {
        if (_state == QuorumVolumeState.Failed)
            return;
        Superseded = true;
        Fail(new VolumeException(
            $"The writer changed: the volume is at epoch {newer}, this read replica follows epoch {_replica!.Epoch}; the replica must restart.",
            isTransient: true));
    }

    /// <summary>
    /// A replica's timers: map reads while opening; then asking nodes not known to hold the writer's map, the
    /// whole map when a group the stream touched is missing from it (growth), and one node per second in turn
    /// (a new writer, membership changes). Never a write.
    /// </summary>
    void TickReplica(long now)
    {
        if (_state == QuorumVolumeState.Opening)
        {
            TickRecovery(now);
            return;
        }
        if (_state != QuorumVolumeState.Open)
            return;
        var map = _map!;
        var replica = _replica!;
        bool refresh = _groups.Count > map.Groups.Length && now >= replica.RefreshAt;
        if (refresh)
            replica.RefreshAt = now + ReplicaMapRetryMs;
        bool probe = now >= replica.ProbeAt;
        if (probe)
            replica.ProbeAt = now + ReplicaMapProbeMs;
        for (int i = 0; i < map.Nodes.Length; i++)
        {
            var node = _nodes[map.Nodes[i].Id];
            if (_mapReadsInFlight.Contains(node.Info.Id))
                continue;
            bool ask = refresh
                || (node.NeedsMap && now >= node.RetryAt)
                || (probe && i == (int)(replica.ProbeTurn % (uint)map.Nodes.Length));
            if (!ask)
                continue;
            node.RetryAt = now + ReplicaMapRetryMs;
            SendGetMap(node);
        }
        if (probe)
            replica.ProbeTurn++;
    }

    sealed class ReplicaState(VolumeEpoch epoch)
    {
        /// <summary>The writer's epoch: the replica reads in it and fails when a node holds a newer one.</summary>
        public VolumeEpoch Epoch { get; } = epoch;

        /// <summary>The newest commit observed from the stream (at open: the start).</summary>
        public Lsn Observed { get; set; }

        /// <summary>The newest VDL the writer announced.</summary>
        public Lsn Vdl { get; set; }

        public long RefreshAt { get; set; }
        public long ProbeAt { get; set; }
        public uint ProbeTurn { get; set; }
    }
}
