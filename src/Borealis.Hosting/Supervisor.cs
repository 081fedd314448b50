using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Borealis.Hosting;

/// <summary>
/// Runs a local cluster as supervised child processes (each role its own OS process, so a crash is a real crash):
/// starts them, restarts one that dies, keeps <c>cluster.json</c> current, and stops them all on shutdown.
/// Today the cluster is one writer instance on a local volume; later roles join the same way.
/// </summary>
public sealed partial class Supervisor
{
    /// <summary>Exit code of a role that cannot start because of its configuration (e.g. a busy port): not restarted.</summary>
    public const int ConfigurationExitCode = 2;

    static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(10);

    readonly SupervisorOptions _options;
    readonly DataDirectory _data;
    readonly ILogger _logger;
    readonly ClusterState _state;
    readonly Lock _stateLock = new();

    /// <summary>Processes that have accepted connections at least once: a later exit is a crash, not a start-up failure.</summary>
    readonly HashSet<string> _everRunning = [];

    public Supervisor(SupervisorOptions options, ILogger logger)
    {
        _options = options;
        _data = options.Data;
        _logger = logger;
        _state = new ClusterState
        {
            SupervisorPid = Environment.ProcessId,
            Port = options.Port,
            StartedAt = DateTimeOffset.UtcNow,
            Processes =
            [
                new ProcessState { Id = "writer-1", Role = "writer", Port = options.Port, State = ProcessStatus.Starting },
            ],
        };
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> fires (Ctrl-C, SIGTERM), then stops every child.</summary>
    /// <returns>0 after a clean stop; 1 when a child could not start at all.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var dirLock = AcquireDirectoryLock();
        WriteState();
        var tasks = _state.Processes.Select(p => SuperviseAsync(p, cancellationToken)).ToArray();
        var results = await Task.WhenAll(tasks);
        WriteState();
        return results.All(ok => ok) ? 0 : 1;
    }

    async Task<bool> SuperviseAsync(ProcessState process, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            using var child = StartChild(process);
            UpdateState(() => { process.Pid = child.Id; process.State = ProcessStatus.Starting; });
            var ready = WaitUntilListeningAsync(process, child, cancellationToken);

            try
            {
                await child.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                await StopChildAsync(child);
                UpdateState(() => { process.State = ProcessStatus.Stopped; process.Pid = 0; });
                await ready;
                return true;
            }
            await ready;

            int code = child.ExitCode;
            if (code == ConfigurationExitCode && process.Restarts == 0 && !_everRunning.Contains(process.Id))
            {
                Log.ChildFailedToStart(_logger, process.Id, code, _data.LogFile(process.Id));
                UpdateState(() => { process.State = ProcessStatus.Failed; process.Pid = 0; });
                return false;
            }

            Log.ChildExited(_logger, process.Id, code);
            UpdateState(() => { process.State = ProcessStatus.Restarting; process.Pid = 0; process.Restarts++; });
            try
            {
                await Task.Delay(backoff, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 5000));
        }
        UpdateState(() => process.State = ProcessStatus.Stopped);
        return true;
    }

    async Task WaitUntilListeningAsync(ProcessState process, Process child, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && !child.HasExited)
        {
            if (await PortProbe.IsListeningAsync(_state.Host, process.Port, cancellationToken))
            {
                UpdateState(() =>
                {
                    process.State = ProcessStatus.Running;
                    _everRunning.Add(process.Id);
                });
                Log.ChildRunning(_logger, process.Id, child.Id, process.Port);
                return;
            }
            try
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    Process StartChild(ProcessState process)
    {
        var exe = Environment.ProcessPath ?? throw new HostingException("cannot find the borealis executable");
        var args = new List<string>
        {
            "instance",
            "--id", process.Id,
            "--volume", _data.VolumeDirectory,
            "--tls", _data.TlsDirectory,
            "--port", process.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        // The child writes its own log: /bin/sh redirects and then execs, so the pid is the instance's own.
        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$BOREALIS_LOG\" 2>&1 </dev/null");
        start.ArgumentList.Add(exe);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        start.Environment["BOREALIS_LOG"] = _data.LogFile(process.Id);
        start.Environment["BOREALIS_PASSWORD"] = _options.Password;
        Log.StartingChild(_logger, process.Id, string.Join(' ', args));
        return Process.Start(start) ?? throw new HostingException($"cannot start {process.Id}");
    }

    static async Task StopChildAsync(Process child)
    {
        if (child.HasExited)
            return;
        NativeMethods.Signal(child.Id, NativeMethods.SigTerm);
        using var grace = new CancellationTokenSource(s_stopGrace);
        try
        {
            await child.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill();
            await child.WaitForExitAsync(CancellationToken.None);
        }
    }

    void UpdateState(Action change)
    {
        lock (_stateLock)
        {
            change();
            WriteState();
        }
    }

    void WriteState()
    {
        lock (_stateLock)
            _state.Write(_data.StateFile);
    }

    FileStream AcquireDirectoryLock()
    {
        try
        {
            return new FileStream(_data.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var running = ClusterState.TryRead(_data.StateFile);
            throw new HostingException(
                $"a cluster is already running on '{_data.Root}'{(running is null ? "" : $" (supervisor pid {running.SupervisorPid})")}; stop it with ./borealis down --data {_data.Root}");
        }
    }
}
