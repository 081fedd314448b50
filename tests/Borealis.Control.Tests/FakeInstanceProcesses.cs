namespace Borealis.Control.Tests;

/// <summary>
/// Instance processes without processes: a test says when one exits (<see cref="Exit"/>) and whether it answers
/// (<see cref="NotAnswering"/>, <see cref="Lag"/>); <see cref="Calls"/> records what the control plane asked for.
/// </summary>
internal sealed class FakeInstanceProcesses : IInstanceProcesses
{
    readonly Lock _lock = new();
    readonly Dictionary<string, (InstanceSpec Spec, Func<InstanceExit, ExitDecision> OnExit, InstanceProcessStatus Status)> _running = [];
    int _nextPid = 1000;

    public List<string> Calls { get; } = [];

    /// <summary>A copy of <see cref="Calls"/>, taken under the lock (the control plane may be adding to it).</summary>
    public string[] CallsNow()
    {
        lock (_lock)
            return [.. Calls];
    }

    public HashSet<string> NotAnswering { get; } = [];

    /// <summary>Guards <see cref="Lag"/> and <see cref="Statuses"/> against the probes: take it to change them.</summary>
    public Lock Sync => _lock;

    public Dictionary<string, double> Lag { get; } = [];

    /// <summary>What each instance's status endpoint reports (a reader's lag comes from it, as from the supervisor's probe).</summary>
    public Dictionary<string, InstanceStatus> Statuses { get; } = [];

    public void Start(InstanceSpec spec, Func<InstanceExit, ExitDecision> onExit)
    {
        lock (_lock)
        {
            if (_running.ContainsKey(spec.Id))
                throw new InvalidOperationException($"{spec.Id} is already supervised");
            _running[spec.Id] = (spec, onExit, new InstanceProcessStatus(InstanceProcessState.Running, _nextPid++, 0));
            Calls.Add($"start {spec.Id} {spec.Role.ToString().ToLowerInvariant()} port {spec.Port}");
        }
    }

    /// <summary>Processes that do not stop when asked until the test completes their entry (a hung process waiting for its kill).</summary>
    public Dictionary<string, TaskCompletionSource> SlowToStop { get; } = [];

    public async Task StopAsync(string id, CancellationToken cancellationToken)
    {
        TaskCompletionSource? slow;
        lock (_lock)
        {
            if (!_running.ContainsKey(id))
                return;
            Calls.Add($"stop {id}");
            slow = SlowToStop.GetValueOrDefault(id);
        }
        if (slow is not null)
            await slow.Task.WaitAsync(cancellationToken);
        lock (_lock)
            _running.Remove(id);
    }

    public InstanceProcessStatus? Status(string id)
    {
        lock (_lock)
            return _running.TryGetValue(id, out var r) ? r.Status : null;
    }

    public Task<InstanceProbe> ProbeAsync(InstanceSpec spec, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            bool answering = !NotAnswering.Contains(spec.Id);
            var status = answering ? Statuses.GetValueOrDefault(spec.Id) : null;
            double? lag = Lag.TryGetValue(spec.Id, out var l) ? l : status?.Replica?.LagMs;
            return Task.FromResult(new InstanceProbe(answering, lag, status));
        }
    }

    public IReadOnlyList<StorageNodeProcess> StorageNodes() => [new StorageNodeProcess(1, "a", 9001, true, 77, 0), new StorageNodeProcess(2, "b", 9002, false, 0, 3)];

    /// <summary>Sets the state of <paramref name="id"/>'s process (e.g. starting: its endpoint is not up yet).</summary>
    public void SetState(string id, InstanceProcessState state)
    {
        lock (_lock)
        {
            var r = _running[id];
            _running[id] = r with { Status = r.Status with { State = state } };
        }
    }

    /// <summary>What the storage nodes answer for /metrics (none by default).</summary>
    public List<StorageNodeMetrics> StorageMetrics { get; } = [];

    public Task<IReadOnlyList<StorageNodeMetrics>> StorageNodeMetricsAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<StorageNodeMetrics>>([.. StorageMetrics]);
    }

    /// <summary>The process of <paramref name="id"/> exits with <paramref name="exitCode"/>; returns what the control plane decided.</summary>
    public ExitDecision Exit(string id, int exitCode)
    {
        Func<InstanceExit, ExitDecision> onExit;
        lock (_lock)
        {
            var r = _running[id];
            _running[id] = r with { Status = new InstanceProcessStatus(InstanceProcessState.Restarting, 0, r.Status.Restarts) };
            onExit = r.OnExit;
        }
        var decision = onExit(new InstanceExit(exitCode, TimeSpan.FromSeconds(10), EverServed: true));
        lock (_lock)
        {
            if (decision == ExitDecision.Restart && _running.TryGetValue(id, out var r))
                _running[id] = r with { Status = new InstanceProcessStatus(InstanceProcessState.Running, _nextPid++, r.Status.Restarts + 1) };
            else if (decision == ExitDecision.Release && _running.TryGetValue(id, out var released))
                _running[id] = released with { Status = new InstanceProcessStatus(InstanceProcessState.Stopped, 0, released.Status.Restarts) };
        }
        return decision;
    }
}
