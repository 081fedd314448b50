using Borealis.Volume.Quorum;

namespace Borealis.Simulation.Tests;

public sealed partial class Simulation
{
    /// <summary>Nodes that cannot answer now: crashed, isolated or lost.</summary>
    int DownCount => _nodes.Count(n => !n.IsUp || n.IsLost || _network.IsIsolated(n.Id));

    void ScheduleFaults()
    {
        _scheduler.After(_faults.NextInt64(30, 200) * Ms, () =>
        {
            if (_healed)
                return;
            InjectFault();
            ScheduleFaults();
        });
    }

    void InjectFault()
    {
        int choice = _faults.Next(10);
        switch (choice)
        {
            case <= 2 when _plan.Crashes:
                CrashNode();
                break;
            case 3 when _plan.Partitions:
                PartitionNode();
                break;
            case 4 when _plan.Partitions && _faults.Chance(0.3):
                _network.Isolate(_current!.Id, _scheduler.NowMicros + _faults.NextInt64(20, 300) * Ms);
                Fault($"partition writer {_current.Index}");
                break;
            case 5 when _plan.WriterCrash && _faults.Chance(0.4):
                CrashWriter();
                break;
            case 6 when _plan.StaleWriter && _faults.Chance(0.4) && _writers.Count(w => w.Alive) < 3:
                Fault($"new writer while writer {_current!.Index} keeps running");
                StartWriter();
                break;
            case 7 when _plan.LoseNode && !_nodes.Exists(n => n.IsLost) && DownCount == 0:
                var lost = _faults.Pick(_nodes);
                Fault($"node {lost.Id} lost for good (disk wiped)");
                lost.Lose();
                break;
            case 8 when _plan.ThreeDown && _episode is null && DownCount == 0:
                ThreeDown();
                break;
            case 9 when _plan.BitFlips:
                var node = _faults.Pick(_nodes);
                if (!node.IsLost && node.FlipRandomBit(_faults) is { } where)
                    Fault($"bit flip on node {node.Id}: {where}");
                break;
            case 4 when _plan.IoErrors:
                var flaky = _faults.Pick(_nodes);
                if (DownCount <= 1 && !flaky.IsLost)
                {
                    flaky.Disk.SetTransientErrors(_faults.NextDouble() * 0.01, _faults.Fork());
                    Fault($"transient I/O errors on node {flaky.Id} at rate {flaky.Disk.TransientErrorRate:F4}");
                    _scheduler.After(_faults.NextInt64(50, 300) * Ms, () => flaky.Disk.SetTransientErrors(0, _faults));
                }
                break;
        }
        if (_current is { Alive: true, Core.State: QuorumVolumeState.Failed } failed)
        {
            Fault($"writer {failed.Index} failed ({failed.Core.Failure?.Message}); starting a new writer");
            failed.Crash();
            StartWriter();
        }
    }

    void CrashNode()
    {
        if (DownCount >= 2)
            return;
        var candidates = _nodes.Where(n => n.IsUp && !n.IsLost).ToList();
        if (candidates.Count == 0)
            return;
        var node = _faults.Pick(candidates);
        Fault($"crash node {node.Id} (torn/lost unsynced writes)");
        node.Crash();
        _scheduler.After(_faults.NextInt64(20, 400) * Ms, () =>
        {
            if (!node.IsUp && !node.IsLost)
            {
                Fault($"restart node {node.Id}");
                node.Start();
            }
        });
    }

    void PartitionNode()
    {
        if (DownCount >= 2)
            return;
        var node = _faults.Pick(_nodes);
        if (node.IsLost || !node.IsUp || _network.IsIsolated(node.Id))
            return;
        Fault($"partition node {node.Id}");
        _network.Isolate(node.Id, _scheduler.NowMicros + _faults.NextInt64(50, 500) * Ms);
    }

    void CrashWriter()
    {
        var writer = _current!;
        Fault($"crash writer {writer.Index}");
        writer.Crash();
        _scheduler.After(_faults.NextInt64(10, 200) * Ms, () =>
        {
            if (_current == writer)
                StartWriter();
        });
    }

    void ThreeDown()
    {
        var down = new HashSet<int>();
        var candidates = _nodes.Where(n => n.IsUp && !n.IsLost).ToList();
        while (down.Count < 3 && candidates.Count > 0)
        {
            var node = _faults.Pick(candidates);
            candidates.Remove(node);
            down.Add(node.Id);
            node.Crash();
        }
        Fault($"three nodes down: {string.Join(",", down)} (commits in their groups must stop)");
        var episode = new ThreeDownEpisode(down, _scheduler.NowMicros);
        _episode = episode;
        _scheduler.After(_faults.NextInt64(100, 400) * Ms, () =>
        {
            episode.Over = true;
            Fault($"restart nodes {string.Join(",", down)}");
            foreach (var node in _nodes.Where(n => down.Contains(n.Id)))
                node.Start();
        });
    }

    void Heal()
    {
        _healed = true;
        Fault("heal: partitions cleared, crashed nodes restarted, no more faults");
        _network.HealPartitions();
        if (_episode is not null)
            _episode.Over = true;
        foreach (var node in _nodes)
        {
            node.Disk.SetTransientErrors(0, _faults);
            if (!node.IsUp && !node.IsLost)
                node.Start();
        }
        if (_current is not { Alive: true } || _current.Core.State == QuorumVolumeState.Failed)
        {
            _current?.Crash();
            StartWriter();
        }
    }
}
