using Borealis.Common;
using Borealis.Storage.Protocol;

namespace Borealis.Volume.Quorum;

public sealed partial class QuorumVolumeCore
{
    /// <summary>How often a joining segment's progress is polled with GetStatus.</summary>
    const long RepairPollMs = 50;

    RepairOperation? _repair;

    // SCLs nodes reported in GetStatus (not fsync-acknowledged, so used for repair progress only, never for durability).
    readonly Dictionary<(uint Group, NodeId Node), Lsn> _statusScl = [];

    /// <summary>Membership changes started (a dead member replaced by a new one).</summary>
    public int RepairsStarted { get; private set; }

    /// <summary>Membership changes completed (the new member caught up).</summary>
    public int RepairsCompleted { get; private set; }

    /// <summary>Membership changes undone because the old member came back first.</summary>
    public int RepairsReverted { get; private set; }

    /// <summary>The membership change in progress: (group, node replaced, node joining), or null.</summary>
    public (uint Group, NodeId Replaced, NodeId Joining)? RepairInProgress =>
        _repair is { } r ? (r.Group, r.Dead, r.Joining) : null;

    void TickRepair(long now)
    {
        var map = _map!;
        ProbeSpares(map, now);
        if (_repair is null)
        {
            if (!AdoptTransition(map, now))
                StartRepair(map, now);
            return;
        }
        var repair = _repair;
        if (repair.Phase != RepairPhase.CatchingUp)
            return; // A map write is in flight.
        var dead = _nodes[repair.Dead];
        var membership = map.Groups[(int)repair.Group];
        if (!dead.Down && !IsRetired(repair.Dead) && (!repair.Adopted || dead.Answered))
        {
            // The old member is back before the new one caught up: go back to the old membership.
            repair.Phase = RepairPhase.Reverting;
            var reverted = membership with { MembershipEpoch = membership.MembershipEpoch + 1, Next = [] };
            ChangeMap(map with { Version = map.Version + 1, Groups = map.Groups.SetItem((int)repair.Group, reverted) }, () =>
            {
                _repair = null;
                RepairsReverted++;
            });
            return;
        }
        var joined = Lsn.Max(AckedOf(repair.Group, repair.Joining), _statusScl.GetValueOrDefault((repair.Group, repair.Joining)));
        bool reported = _acked.ContainsKey((repair.Group, repair.Joining)) || _statusScl.ContainsKey((repair.Group, repair.Joining));
        if (reported && joined >= ComputePgcl(repair.Group) && joined >= RecoveredFloor(repair.Group))
        {
            repair.Phase = RepairPhase.Completing;
            var completed = membership with { MembershipEpoch = membership.MembershipEpoch + 1, Members = membership.Next, Next = [] };
            ChangeMap(map with { Version = map.Version + 1, Groups = map.Groups.SetItem((int)repair.Group, completed) }, () =>
            {
                _repair = null;
                RepairsCompleted++;
            });
            return;
        }
        if (now >= repair.NextPollAt)
        {
            repair.NextPollAt = now + RepairPollMs;
            Send(_nodes[repair.Joining], RequestKind.GetStatus, new GetStatusRequest());
        }
    }

    /// <summary>
    /// A membership change a previous writer left half-done (a group in transition): continue it as this writer's
    /// repair, so that it completes once the joining segment caught up, or reverts if the replaced member answers.
    /// </summary>
    bool AdoptTransition(VolumeMap map, long now)
    {
        foreach (var membership in map.Groups)
        {
            if (!membership.InTransition)
                continue;
            var dead = membership.Members.Where(m => !membership.Next.Contains(m)).ToList();
            var joining = membership.Next.Where(m => !membership.Members.Contains(m)).ToList();
            if (dead.Count != 1 || joining.Count != 1)
                continue;
            _repair = new RepairOperation(membership.Group, dead[0], joining[0])
            {
                Phase = RepairPhase.CatchingUp,
                NextPollAt = now,
                Adopted = true,
            };
            return true;
        }
        return false;
    }

    /// <summary>The group's chain tail at open: a joining segment must reach at least this before it replaces a member.</summary>
    Lsn RecoveredFloor(uint group) => group < (uint)_groups.Count ? _groups[(int)group].RecoveredTail : Lsn.Zero;

    void StartRepair(VolumeMap map, long now)
    {
        long replaceAfter = (long)_options.ReplaceAfter.TotalMilliseconds;
        foreach (var membership in map.Groups)
        {
            if (membership.InTransition)
                continue;
            foreach (var member in membership.Members)
            {
                var node = _nodes[member];
                if (!IsRetired(member) && (!node.Down || now - node.DownSince < replaceAfter))
                    continue;
                var replacement = PickReplacement(map, membership, node.Info);
                if (replacement is null)
                    continue;
                var next = membership.Members.Replace(member, replacement.Id);
                var changed = membership with { MembershipEpoch = membership.MembershipEpoch + 1, Next = next };
                var repair = new RepairOperation(membership.Group, member, replacement.Id);
                _repair = repair;
                RepairsStarted++;
                ChangeMap(map with { Version = map.Version + 1, Groups = map.Groups.SetItem((int)membership.Group, changed) }, () =>
                {
                    repair.Phase = RepairPhase.CatchingUp;
                    repair.NextPollAt = _host.NowMilliseconds;
                });
                return;
            }
        }
    }

    /// <summary>A reachable node of the fleet that is not a member of the group: same zone first, then the least loaded, then the lowest id.</summary>
    StorageNodeInfo? PickReplacement(VolumeMap map, GroupMembership membership, StorageNodeInfo dead)
    {
        var load = new Dictionary<NodeId, int>();
        foreach (var group in map.Groups)
        {
            foreach (var member in group.Members)
                load[member] = load.GetValueOrDefault(member) + 1;
        }
        return map.Nodes
            .Where(n => !membership.Contains(n.Id) && !NodeFor(n).Down && !IsRetired(n.Id))
            .OrderBy(n => string.Equals(n.Zone, dead.Zone, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(n => load.GetValueOrDefault(n.Id))
            .ThenBy(n => n.Id.Value)
            .FirstOrDefault();
    }

    /// <summary>Nodes that host no segment get no appends: probe the down ones so that they can become replacements again.</summary>
    void ProbeSpares(VolumeMap map, long now)
    {
        foreach (var info in map.Nodes)
        {
            var node = NodeFor(info);
            if (!node.Down || now < node.RetryAt || map.Groups.Any(g => g.Contains(info.Id)))
                continue;
            node.RetryAt = now + node.Backoff;
            Send(node, RequestKind.GetStatus, new GetStatusRequest());
        }
    }

    void OnStatusResponse(NodeState node, StorageResponse response)
    {
        if (response is not NodeStatusResponse status)
            return;
        foreach (var segment in status.Segments)
        {
            var key = (segment.Group, node.Info.Id);
            if (!_statusScl.TryGetValue(key, out var known) || known < segment.Scl)
                _statusScl[key] = segment.Scl;
        }
    }

    enum RepairPhase
    {
        Joining,
        CatchingUp,
        Reverting,
        Completing,
    }

    sealed class RepairOperation(uint group, NodeId dead, NodeId joining)
    {
        public uint Group { get; } = group;
        public NodeId Dead { get; } = dead;
        public NodeId Joining { get; } = joining;
        public RepairPhase Phase { get; set; } = RepairPhase.Joining;
        public long NextPollAt { get; set; }

        /// <summary>Left in the map by an earlier writer: revert only once the replaced member answered this writer.</summary>
        public bool Adopted { get; init; }
    }
}
