using System.Diagnostics;

namespace Borealis.Hosting;

/// <summary>Signals and liveness checks for the processes of a local cluster.</summary>
public static class ProcessControl
{
    public static bool IsAlive(int pid) => NativeMethods.IsAlive(pid);

    /// <summary>Sends SIGTERM and waits for the process to go; SIGKILL after <paramref name="grace"/>.</summary>
    /// <returns>True when the process is gone.</returns>
    public static async Task<bool> TerminateAsync(int pid, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!NativeMethods.Signal(pid, NativeMethods.SigTerm))
            return true;
        var clock = Stopwatch.StartNew();
        while (NativeMethods.IsAlive(pid))
        {
            if (clock.Elapsed > grace)
            {
                NativeMethods.Signal(pid, NativeMethods.SigKill);
                grace = TimeSpan.MaxValue;
            }
            await Task.Delay(50, cancellationToken);
        }
        return true;
    }
}
