using System.Text;
using Borealis.Volume.Quorum;

namespace Borealis.Simulation.Tests;

public sealed partial class Simulation
{
    const long QuiesceLimit = 30_000 * Ms;

    /// <summary>
    /// With every fault healed (the lost node stays lost), waits until: the current writer is open and everything
    /// it appended is durable; every group has 6 members, none lost, no change in progress; every member's SCL
    /// reaches the group's last LSN at or below VDL; every superseded writer that wrote after being fenced failed.
    /// </summary>
    void Quiesce()
    {
        long deadline = _scheduler.NowMicros + QuiesceLimit;
        string? why = null;
        while (_scheduler.NowMicros < deadline)
        {
            _scheduler.RunUntil(_scheduler.NowMicros + 20 * Ms);
            if (_current is { Alive: true, Core.State: QuorumVolumeState.Failed } failed)
            {
                if (_lastOpened == failed)
                    throw new SimulationViolationException($"writer {failed.Index} failed with every fault healed: {failed.Core.Failure?.Message}", failed.Core.Failure);
                Fault($"writer {failed.Index} failed to open ({failed.Core.Failure?.Message}); starting another");
                failed.Crash();
                StartWriter();
            }
            why = NotQuiet();
            if (why is null)
                return;
        }
        throw new SimulationViolationException($"not quiescent {QuiesceLimit / 1_000_000}s (virtual) after healing: {why}\n{State()}");
    }

    string? NotQuiet()
    {
        var writer = _current!;
        if (writer.Core.State != QuorumVolumeState.Open || writer.History is null)
            return $"writer {writer.Index} is {writer.Core.State}";
        var vdl = writer.Core.DurableLsn;
        if (vdl != writer.Core.AppendedLsn)
            return $"writer {writer.Index} VDL {vdl} below AppendedLsn {writer.Core.AppendedLsn}";
        foreach (var stale in _writers)
        {
            if (stale.Alive && stale.Superseded && stale.AppendsAfterSuperseded > 0 && stale.Core.State != QuorumVolumeState.Failed)
                return $"superseded writer {stale.Index} wrote after being fenced but is still {stale.Core.State}";
        }
        var map = writer.Core.Map;
        if (map is null)
            return "the writer has no map";
        uint groupsNeeded = (writer.History.PageCountAt(vdl) + _pagesPerGroup - 1) / _pagesPerGroup;
        if (map.Groups.Length < groupsNeeded)
            return $"map has {map.Groups.Length} groups, the page count needs {groupsNeeded}";
        foreach (var group in map.Groups)
        {
            if (group.InTransition)
                return $"group {group.Group} in transition {string.Join(",", group.Members)} -> {string.Join(",", group.Next)}";
            if (group.Members.Length != 6 || group.Members.Distinct().Count() != 6)
                return $"group {group.Group} has members {string.Join(",", group.Members)}";
            var expected = writer.History.LastLsnOfGroup(group.Group, _pagesPerGroup, vdl);
            foreach (var member in group.Members)
            {
                var node = _nodes[member.Value - 1];
                if (node.IsLost)
                    return $"group {group.Group} still has lost node {member}";
                if (node.Core is null)
                    return $"member {member} of group {group.Group} is down";
                var status = node.Core.GetStatus();
                var segment = status.Segments.FirstOrDefault(s => s.Group == group.Group);
                if (segment is null)
                    return $"node {member} has no segment of group {group.Group}";
                if (segment.Scl < expected)
                    return $"node {member} segment {group.Group} SCL {segment.Scl} below the group's last LSN {expected} (VDL {vdl})";
            }
        }
        return null;
    }

    /// <summary>Reads every page the lineage touched at VDL, and some at older points, with everything healed; all must succeed and match.</summary>
    void FinalChecks()
    {
        var writer = _current!;
        var history = writer.History!;
        var vdl = writer.Core.DurableLsn;
        foreach (var batch in _acknowledged)
        {
            if (!history.Contains(batch.Id))
                throw new SimulationViolationException($"lost acknowledged commit: batch #{batch.Id} ({batch.First}..{batch.Commit}) of writer {batch.Writer} is not in the final lineage");
        }
        foreach (uint page in history.TouchedPages.Order())
            writer.Read(page, vdl, mustSucceed: true);
        for (int i = 0; i < 10; i++)
            ReadSomething(writer, mustSucceed: true);
        long deadline = _scheduler.NowMicros + 5_000 * Ms;
        while (writer.ReadsInFlight > 0 && _scheduler.NowMicros < deadline)
            _scheduler.RunUntil(_scheduler.NowMicros + 5 * Ms);
        if (writer.ReadsInFlight > 0)
            throw new SimulationViolationException($"{writer.ReadsInFlight} reads never completed with everything healed\n{State()}");

        foreach (var node in _nodes.Where(n => n.IsUp))
        {
            var old = node.UnansweredFor(500 * Ms).ToList();
            if (old.Count > 0)
                throw new SimulationViolationException($"node {node.Id} never answered {old.Count} requests, e.g. #{old[0].Id} {Describe.Request(old[0].Request)}");
        }
    }

    string State()
    {
        var text = new StringBuilder();
        foreach (var w in _writers)
        {
            text.Append($"  writer {w.Index}: alive={w.Alive} state={w.Core.State} epoch={(w.History is null ? "-" : w.OpenedEpoch.ToString())} ");
            if (w.History is not null)
                text.Append($"VDL={w.Core.DurableLsn} appended={w.Core.AppendedLsn} map={(w.Core.Map is { } m ? Describe.Map(m) : "none")}");
            text.Append('\n');
        }
        foreach (var n in _nodes)
        {
            text.Append($"  node {n.Id}{(n.IsLost ? " LOST" : n.IsUp ? "" : " down")}: ");
            if (n.Core is not null)
                text.Append(Describe.Response(n.Core.GetStatus()));
            text.Append('\n');
        }
        return text.ToString();
    }
}
