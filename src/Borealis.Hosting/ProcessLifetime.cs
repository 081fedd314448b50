using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Borealis.Hosting;

/// <summary>
/// When a role process (storage node, instance, router, volume service) must stop: on SIGTERM, on its caller's
/// cancellation, and, for a child of the supervisor of <c>up</c>, when that supervisor is gone. A child that outlived
/// its supervisor would keep its ports and its data directory busy with no one left to stop it.
/// </summary>
/// <remarks>
/// The supervisor names itself in <see cref="SupervisorVariable"/> when it starts a child. The child then polls its
/// parent process id: when the supervisor dies, the kernel gives the child another parent (init or a subreaper), and
/// the child stops as on SIGTERM. (Not PR_SET_PDEATHSIG: it fires when the parent's starting <em>thread</em> exits,
/// and .NET starts processes from pool threads that come and go.)
/// </remarks>
public sealed class ProcessLifetime : IDisposable
{
    /// <summary>The variable in which the supervisor passes its process id to its children.</summary>
    public const string SupervisorVariable = "BOREALIS_SUPERVISOR_PID";

    static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(500);

    readonly CancellationTokenSource _stop;
    readonly PosixSignalRegistration? _sigterm;
    readonly Timer? _watch;

    /// <param name="logger">Where the supervisor's death is reported.</param>
    /// <param name="supervisorPid">The parent to watch; null: none (a process started by hand).</param>
    /// <param name="parentPid">Reads the current parent process id (tests replace it).</param>
    /// <param name="interval">How often the parent is checked.</param>
    /// <param name="handleSigterm">Stop on SIGTERM (tests leave the process's own handling alone).</param>
    /// <param name="cancellationToken">The caller's stop (Ctrl-C in the command line).</param>
    public ProcessLifetime(ILogger logger, int? supervisorPid, Func<int>? parentPid = null, TimeSpan? interval = null,
        bool handleSigterm = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (handleSigterm)
            _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; Stop(); });
        if (supervisorPid is { } expected)
        {
            var current = parentPid ?? NativeMethods.ParentPid;
            var period = interval ?? s_interval;
            _watch = new Timer(_ =>
            {
                if (_stop.IsCancellationRequested)
                    return;
                int parent = current();
                if (parent == expected)
                    return;
                Log.SupervisorGone(logger, expected, parent);
                Stop();
            }, null, TimeSpan.Zero, period);
        }
    }

    /// <summary>A lifetime for the current process: watches the supervisor named in <see cref="SupervisorVariable"/>, if any.</summary>
    public static ProcessLifetime ForCurrentProcess(ILogger logger, CancellationToken cancellationToken) =>
        new(logger, SupervisorFromEnvironment(), cancellationToken: cancellationToken);

    /// <summary>Cancelled when the process must stop.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The supervisor's process id from <see cref="SupervisorVariable"/>; null when unset or not a process id.</summary>
    public static int? SupervisorFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable(SupervisorVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 1
            ? pid
            : null;

    void Stop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _watch?.Dispose();
        _sigterm?.Dispose();
        _stop.Dispose();
    }
}
