using System.Diagnostics;

namespace Borealis.Control;

/// <summary>Changes of the topology: instances added and removed, automatic failover and requested switchover.</summary>
public sealed partial class ControlPlane
{
    /// <summary>Old writers being replaced (under <see cref="_lock"/>): their process is the failover's to stop, never restarted in place.</summary>
    readonly HashSet<string> _replacing = [];

    /// <summary>
    /// An instance process exited on its own. A reader is restarted (it re-subscribes to the writer). A writer that
    /// crashed on purpose (<see cref="ControlPlaneOptions.CrashInjectedExitCode"/>, <c>ALTER SYSTEM CRASH</c>) restarts
    /// in place, as in Aurora. Any other death of the writer fails over at once to the best healthy reader (or one
    /// that answered within <see cref="ControlPlaneOptions.FailoverReaderGrace"/>); without one the writer restarts
    /// in place.
    /// </summary>
    ExitDecision OnExited(string id, InstanceExit exit)
    {
        InstanceSpec? target;
        InstanceSpec writer;
        lock (_lock)
        {
            MarkUnhealthy(id);
            if (_topology.Find(id) is not { } spec || _replacing.Contains(id))
                return ExitDecision.Release;
            if (spec.Role != InstanceRole.Writer)
                return ExitDecision.Restart;
            writer = spec;
            if (exit.ExitCode == ControlPlaneOptions.CrashInjectedExitCode)
            {
                AddEvent("crash-restart", id, null, "crash injected (exit code 86): restarted in place");
                Log.WriterRestartInPlace(_logger, id, exit.ExitCode, "crash injected");
                return ExitDecision.Restart;
            }
            target = ChooseTarget(writerFailed: true);
            if (target is null)
            {
                AddEvent("crash-restart", id, null, $"exit code {exit.ExitCode}; no healthy reader: restarted in place");
                Log.WriterRestartInPlace(_logger, id, exit.ExitCode, "no healthy reader");
                return ExitDecision.Restart;
            }
            // A change in progress (add, remove, switchover) owns the topology: restart in place rather than wait.
            if (_stop.IsCancellationRequested || !_changes.Wait(0))
            {
                Log.WriterRestartInPlace(_logger, id, exit.ExitCode, "a topology change is in progress");
                return ExitDecision.Restart;
            }
        }
        Log.FailingOver(_logger, id, exit.ExitCode, target.Id);
        Track(Task.Run(async () =>
        {
            try
            {
                await PromoteAsync(writer, target, "failover", $"writer exited with code {exit.ExitCode}", hung: false, _stop.Token);
            }
#pragma warning disable CA1031 // background boundary: logged; the supervisor keeps running
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                Log.FailoverFault(_logger, ex, writer.Id, target.Id);
            }
            finally
            {
                _changes.Release();
            }
        }, CancellationToken.None));
        return ExitDecision.Release;
    }

    /// <summary>
    /// The reader to promote now (under <see cref="_lock"/>). For a requested failover only healthy readers count; for
    /// an automatic one (<paramref name="writerFailed"/>) also a reader that answered within
    /// <see cref="ControlPlaneOptions.FailoverReaderGrace"/>: the writer's death makes its readers restart, and a probe
    /// may have seen that first.
    /// </summary>
    InstanceSpec? ChooseTarget(bool writerFailed) =>
        FailoverPolicy.Choose(_topology.Readers.Select(r =>
        {
            var health = _health.GetValueOrDefault(r.Id);
            if (health.Healthy || !writerFailed)
                return new FailoverPolicy.Candidate(r, health.Healthy, health.LagMs);
            bool recent = _lastAnswered.TryGetValue(r.Id, out var last) && _options.Time.GetElapsedTime(last.At) <= _options.FailoverReaderGrace
                && _processes.Status(r.Id) is { State: not InstanceProcessState.Failed };
            return new FailoverPolicy.Candidate(r, recent, last.LagMs);
        }));

    /// <summary>
    /// The writer's process runs but has failed every probe for <paramref name="silentFor"/> (at least
    /// <see cref="ControlPlaneOptions.WriterHangTimeout"/>): it is replaced as if it had crashed, by the best healthy
    /// reader, or restarted in place when no reader is healthy. Nothing happens while another change is in progress:
    /// the next probe that finds the writer still hung tries again.
    /// </summary>
    void OnWriterHung(InstanceSpec writer, TimeSpan silentFor)
    {
        InstanceSpec? target;
        long ms = (long)silentFor.TotalMilliseconds;
        lock (_lock)
        {
            if (_stop.IsCancellationRequested || _topology.Writer != writer || _processes.Status(writer.Id) is not { State: InstanceProcessState.Running })
                return;
            if (!_changes.Wait(0))
                return;
            _writerSilent = null;
            target = ChooseTarget(writerFailed: true);
            string action = target is null ? "no healthy reader: restarting it in place" : $"failing over to {target.Id}";
            AddEvent("writer-hung", writer.Id, target?.Id, $"running but not answering for {ms} ms; {action}");
            Log.WriterHung(_logger, writer.Id, ms, action);
        }
        Track(Task.Run(async () =>
        {
            try
            {
                if (target is not null)
                    await PromoteAsync(writer, target, "failover", $"writer hung (not answering for {ms} ms)", hung: true, _stop.Token);
                else
                    await RestartInPlaceAsync(writer, _stop.Token);
            }
#pragma warning disable CA1031 // background boundary: logged; the supervisor keeps running
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                Log.FailoverFault(_logger, ex, writer.Id, target?.Id ?? writer.Id);
            }
            finally
            {
                _changes.Release();
            }
        }, CancellationToken.None));
    }

    /// <summary>Stops a hung writer (gracefully, then killed) and starts it again in the same role. The caller holds <see cref="_changes"/>.</summary>
    async Task RestartInPlaceAsync(InstanceSpec writer, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            MarkUnhealthy(writer.Id);
            _replacing.Add(writer.Id);
        }
        try
        {
            await _processes.StopAsync(writer.Id, cancellationToken);
        }
        finally
        {
            lock (_lock)
                _replacing.Remove(writer.Id);
        }
        lock (_lock)
        {
            if (_topology.Find(writer.Id) != writer)
                return;
        }
        StartProcess(writer);
    }

    /// <summary>
    /// Stops the target reader and the old writer, swaps their roles in the topology (written to disk), then starts
    /// the target as the writer (same id and port) and the old writer as a reader. The caller holds
    /// <see cref="_changes"/>. The old writer has exited (a crash) or is stopped gracefully first (a switchover); a
    /// <paramref name="hung"/> one may never stop on its own, so the new writer starts without waiting for it (when
    /// it opens the volume it bumps the epoch, which fences the old process whatever it still does) and the old
    /// process is stopped (then killed) after.
    /// </summary>
    async Task PromoteAsync(InstanceSpec oldWriter, InstanceSpec target, string kind, string detail, bool hung, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        lock (_lock)
        {
            MarkUnhealthy(oldWriter.Id);
            MarkUnhealthy(target.Id);
            _replacing.Add(oldWriter.Id);
        }
        try
        {
            if (!hung)
                await _processes.StopAsync(oldWriter.Id, cancellationToken);
            await _processes.StopAsync(target.Id, cancellationToken);
            InstanceSpec newWriter;
            InstanceSpec? oldAsReader;
            lock (_lock)
            {
                (newWriter, oldAsReader) = _topology.Promote(target.Id);
                // Their answers were in their old roles.
                _lastAnswered.Remove(oldWriter.Id);
                _lastAnswered.Remove(target.Id);
                _topology.Write(_options.TopologyFile);
                _failovers++;
                AddEvent(kind, oldWriter.Id, target.Id, detail);
                RecomputeEndpoints();
            }
            StartProcess(newWriter);
            if (hung)
                await _processes.StopAsync(oldWriter.Id, cancellationToken);
            if (oldAsReader is not null)
                StartProcess(oldAsReader);
        }
        finally
        {
            lock (_lock)
                _replacing.Remove(oldWriter.Id);
        }
        Log.FailoverDone(_logger, target.Id, oldWriter.Id, clock.ElapsedMilliseconds);
    }

    /// <summary>
    /// A requested failover (switchover): the writer is stopped gracefully, <paramref name="targetId"/> (or the
    /// reader <see cref="FailoverPolicy"/> chooses) becomes the writer, the old writer comes back as a reader.
    /// Returns once the new writer answers, or after <see cref="ControlPlaneOptions.SwitchoverWait"/>.
    /// </summary>
    /// <exception cref="ControlException">404: no such instance; 409: the target is the writer or not healthy, or no reader is healthy.</exception>
    public async Task<FailoverResult> FailoverAsync(string? targetId, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        InstanceSpec writer, target;
        var clock = Stopwatch.StartNew();
        try
        {
            lock (_lock)
            {
                writer = _topology.Writer ?? throw ControlException.Conflict("the cluster has no writer");
                if (targetId is null)
                {
                    target = ChooseTarget(writerFailed: false) ?? throw ControlException.Conflict(
                        _topology.Readers.Any() ? "no reader is healthy: nothing to fail over to" : "the cluster has no reader to fail over to (add one with: borealis instance add --role reader)");
                }
                else
                {
                    target = _topology.Find(targetId) ?? throw ControlException.NotFound($"no instance '{targetId}'");
                    if (target.Role == InstanceRole.Writer)
                        throw ControlException.Conflict($"{targetId} is already the writer");
                    if (!IsHealthy(targetId))
                        throw ControlException.Conflict($"{targetId} is not healthy: it cannot become the writer");
                }
            }
            await PromoteAsync(writer, target, "switchover", "requested", hung: false, cancellationToken);
        }
        finally
        {
            _changes.Release();
        }
        bool healthy = await WaitHealthyAsync(target.Id, _options.SwitchoverWait, cancellationToken);
        return new FailoverResult(writer.Id, target.Id, healthy, clock.ElapsedMilliseconds);
    }

    async Task<bool> WaitHealthyAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            lock (_lock)
            {
                if (IsHealthy(id))
                    return true;
            }
            await Task.Delay(_options.ProbeInterval / 2, cancellationToken);
        }
        return false;
    }

    /// <summary>
    /// Adds an instance and starts it: a reader (a cluster has one writer), or in a multi-master cluster a writer (it has
    /// no readers).
    /// </summary>
    /// <exception cref="ControlException">
    /// 400: the other role asked for, or a tier out of 0–15; 409: readers are refused here, or the cluster already has
    /// <see cref="InstanceSpec.MaxReaders"/> readers (<see cref="InstanceTopology.MaxWriters"/> writers).
    /// </exception>
    public async Task<InstanceSpec> AddInstanceAsync(InstanceRole role, int tier, CancellationToken cancellationToken)
    {
        bool multiMaster;
        lock (_lock)
            multiMaster = _topology.MultiMaster;
        var allowed = multiMaster ? InstanceRole.Writer : InstanceRole.Reader;
        if (role != allowed)
        {
            throw ControlException.BadRequest(multiMaster
                ? "a multi-master cluster has no readers: add a writer (role \"writer\")"
                : "a cluster has exactly one writer: add a reader (role \"reader\"); a reader becomes the writer by failover (multi-master clusters are made with up --writers N)");
        }
        if (tier is < 0 or > InstanceSpec.MaxTier)
            throw ControlException.BadRequest($"tier must be between 0 and {InstanceSpec.MaxTier} (got {tier})");
        if (!multiMaster && _options.ReadersRefusedBecause is { } why)
            throw ControlException.Conflict(why);
        await _changes.WaitAsync(cancellationToken);
        try
        {
            InstanceSpec spec;
            lock (_lock)
            {
                int count = multiMaster ? _topology.Writers.Count() : _topology.Readers.Count();
                int most = multiMaster ? InstanceTopology.MaxWriters : InstanceSpec.MaxReaders;
                if (count >= most)
                    throw ControlException.Conflict($"the cluster already has {most} {(multiMaster ? "writers" : "readers")}, the most it can have: remove one first");
                spec = AddInstance(_topology, _options, role, tier);
                _topology.Write(_options.TopologyFile);
                AddEvent("instance-added", spec.Id, null, $"{role.ToString().ToLowerInvariant()}, tier {tier}, port {spec.Port}");
            }
            StartProcess(spec);
            Log.InstanceAdded(_logger, spec.Id, spec.Role, spec.Tier, spec.Port);
            return spec;
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Stops an instance and removes it from the topology.</summary>
    /// <exception cref="ControlException">404: no such instance; 409: it is the writer (multi-master: the last writer).</exception>
    public async Task RemoveInstanceAsync(string id, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            lock (_lock)
            {
                var spec = _topology.Find(id) ?? throw ControlException.NotFound($"no instance '{id}'");
                if (spec.Role == InstanceRole.Writer && !_topology.MultiMaster)
                    throw ControlException.Conflict($"{id} is the writer: fail over to a reader first (borealis failover), then remove it");
                if (spec.Role == InstanceRole.Writer && _topology.Writers.Count() <= 1)
                    throw ControlException.Conflict($"{id} is the last writer of the cluster: it cannot be removed");
                _topology.Remove(id);
                _topology.Write(_options.TopologyFile);
                MarkUnhealthy(id);
                _health.Remove(id);
                _lastAnswered.Remove(id);
                AddEvent("instance-removed", id, null, "removed");
            }
            await _processes.StopAsync(id, cancellationToken);
            Log.InstanceRemoved(_logger, id);
        }
        finally
        {
            _changes.Release();
        }
    }
}
