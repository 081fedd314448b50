namespace Borealis.Control;

/// <summary>Health: every <see cref="ControlPlaneOptions.ProbeInterval"/> each instance is probed; healthy = running and answering.</summary>
public sealed partial class ControlPlane
{
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

    /// <summary>Probes every instance once and updates health and endpoints.</summary>
    internal async Task ProbeAllAsync(CancellationToken cancellationToken)
    {
        InstanceSpec[] specs;
        lock (_lock)
            specs = [.. _topology.Instances];
        var results = await Task.WhenAll(specs.Select(async spec => (Spec: spec, Probe: await ProbeAsync(spec, cancellationToken))));
        lock (_lock)
        {
            foreach (var (spec, probe) in results)
            {
                // A failover or removal during the probe makes its result stale.
                if (_topology.Find(spec.Id) != spec)
                    continue;
                bool was = IsHealthy(spec.Id);
                _health[spec.Id] = (probe.Answering, probe.LagMs);
                RecordStatus(spec.Id, probe);
                if (was != probe.Answering)
                    Log.HealthChanged(_logger, spec.Id, probe.Answering ? "healthy" : "unhealthy");
            }
            RecomputeEndpoints();
        }
    }

    async Task<InstanceProbe> ProbeAsync(InstanceSpec spec, CancellationToken cancellationToken)
    {
        if (_processes.Status(spec.Id) is not { State: InstanceProcessState.Running, Pid: > 0 })
            return new InstanceProbe(false);
        try
        {
            return await _processes.ProbeAsync(spec, cancellationToken);
        }
#pragma warning disable CA1031 // a failing probe is an unhealthy instance, whatever the failure
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            Log.ProbeFault(_logger, ex, spec.Id);
            return new InstanceProbe(false);
        }
    }

    /// <summary>Marks an instance unhealthy at once (its process exited or is being changed).</summary>
    void MarkUnhealthy(string id)
    {
        if (_health.Remove(id))
            RecomputeEndpoints();
    }
}
