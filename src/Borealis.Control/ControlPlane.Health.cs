namespace Borealis.Control;

/// <summary>
/// Health: every <see cref="ControlPlaneOptions.ProbeInterval"/> each instance is probed; healthy = running and
/// answering. A writer whose process runs but fails every probe for <see cref="ControlPlaneOptions.WriterHangTimeout"/>
/// is hung: it is replaced as if it had crashed (Changes.cs).
/// </summary>
public sealed partial class ControlPlane
{
    /// <summary>The writer whose process runs but fails its probes, and when the first of them started (a timestamp of <see cref="ControlPlaneOptions.Time"/>).</summary>
    (string Id, long Since)? _writerSilent;

    /// <summary>When each instance last answered a probe (the probe's start, a timestamp of <see cref="ControlPlaneOptions.Time"/>), and its lag then.</summary>
    readonly Dictionary<string, (long At, double? LagMs)> _lastAnswered = [];

    /// <summary>Probes failed in a row by each healthy instance whose process runs (see <see cref="ControlPlaneOptions.UnhealthyAfterFailedProbes"/>).</summary>
    readonly Dictionary<string, int> _failedProbes = [];

    async Task HealthLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ProbeInterval);
        try
        {
            do
            {
                await ProbeAllAsync(cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Probes every instance once and updates health and endpoints; starts the replacement of a hung writer.</summary>
    internal async Task ProbeAllAsync(CancellationToken cancellationToken)
    {
        InstanceSpec[] specs;
        lock (_lock)
            specs = [.. _topology.Instances];
        long started = _options.Time.GetTimestamp();
        var results = await Task.WhenAll(specs.Select(async spec => (Spec: spec, Probe: await ProbeAsync(spec, cancellationToken))));
        InstanceSpec? hung;
        TimeSpan silentFor;
        lock (_lock)
        {
            foreach (var (spec, (probe, running)) in results)
            {
                // A failover or removal during the probe makes its result stale.
                if (_topology.Find(spec.Id) != spec)
                    continue;
                bool was = IsHealthy(spec.Id);
                if (!probe.Answering && running && was && ToleratesFailedProbe(spec.Id))
                    continue;
                if (probe.Answering)
                    _failedProbes.Remove(spec.Id);
                _health[spec.Id] = (probe.Answering, probe.LagMs);
                RecordStatus(spec.Id, probe);
                if (probe.Answering)
                    _lastAnswered[spec.Id] = (started, probe.LagMs);
                if (was != probe.Answering)
                    Log.HealthChanged(_logger, spec.Id, probe.Answering ? "healthy" : "unhealthy");
            }
            RecomputeEndpoints();
            hung = FindHungWriter(results, started, out silentFor);
        }
        if (hung is not null)
            OnWriterHung(hung, silentFor);
    }

    /// <summary>
    /// Whether a healthy instance whose process runs stays healthy through this failed probe (under
    /// <see cref="_lock"/>): one slow answer on a loaded machine must not take a reader out of the endpoints (the
    /// router would close its clients' connections). A process that exits is unhealthy at once (<see cref="OnExited"/>).
    /// </summary>
    bool ToleratesFailedProbe(string id)
    {
        int failed = _failedProbes.GetValueOrDefault(id) + 1;
        if (failed >= _options.UnhealthyAfterFailedProbes)
        {
            _failedProbes.Remove(id);
            return false;
        }
        _failedProbes[id] = failed;
        return true;
    }

    /// <summary>
    /// The writer, when its process ran through every probe since <see cref="ControlPlaneOptions.WriterHangTimeout"/>
    /// ago and none answered (under <see cref="_lock"/>). A writer that answers, or whose process is not running
    /// (exited, restarting, being replaced: its exit is handled by <see cref="OnExited"/>), starts the count again.
    /// </summary>
    InstanceSpec? FindHungWriter((InstanceSpec Spec, (InstanceProbe Probe, bool Running) Result)[] results, long started, out TimeSpan silentFor)
    {
        silentFor = default;
        var writer = _topology.Writer;
        var probed = Array.Find(results, r => r.Spec == writer);
        if (writer is null || probed.Spec is null || probed.Result.Probe.Answering || !probed.Result.Running)
        {
            _writerSilent = null;
            return null;
        }
        if (_writerSilent?.Id != writer.Id)
            _writerSilent = (writer.Id, started);
        silentFor = _options.Time.GetElapsedTime(_writerSilent.Value.Since);
        return silentFor >= _options.WriterHangTimeout ? writer : null;
    }

    /// <summary>What a probe found, and whether the process was running when it was probed (not exited nor starting).</summary>
    async Task<(InstanceProbe Probe, bool Running)> ProbeAsync(InstanceSpec spec, CancellationToken cancellationToken)
    {
        if (_processes.Status(spec.Id) is not { State: InstanceProcessState.Running, Pid: > 0 })
            return (new InstanceProbe(false), false);
        try
        {
            return (await _processes.ProbeAsync(spec, cancellationToken), true);
        }
#pragma warning disable CA1031 // a failing probe is an unhealthy instance, whatever the failure
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            Log.ProbeFault(_logger, ex, spec.Id);
            return (new InstanceProbe(false), true);
        }
    }

    /// <summary>Marks an instance unhealthy at once (its process exited or is being changed).</summary>
    void MarkUnhealthy(string id)
    {
        _failedProbes.Remove(id);
        if (_health.Remove(id))
            RecomputeEndpoints();
    }
}
