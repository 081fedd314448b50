using Borealis.Common;
using Borealis.Volume;
using Microsoft.Extensions.Logging;

namespace Borealis.Hosting.Replication;

/// <summary>
/// The loop behind both redo streams (a writer to its readers, the volume service to its writers): it sends the
/// volume durable LSN whenever it moves, at least every heartbeat, and a status every second.
/// </summary>
internal static class DurablePush
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(100);
    static readonly TimeSpan s_statusEvery = TimeSpan.FromSeconds(1);

    /// <summary>Wakes the loop: something was appended.</summary>
    public static void Signal(SemaphoreSlim appended)
    {
        try
        {
            if (appended.CurrentCount == 0)
                appended.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>
    /// Waits for a durability wait, but no longer than a heartbeat: a volume slow to make a commit durable (storage
    /// nodes stalled in fsync, say) must not silence the stream, or its readers would take the writer for gone.
    /// </summary>
    static async ValueTask WaitAtMostAHeartbeatAsync(ValueTask durable, CancellationToken stopping)
    {
        if (durable.IsCompleted)
        {
            await durable;
            return;
        }
        try
        {
            await durable.AsTask().WaitAsync(Heartbeat, stopping);
        }
        catch (TimeoutException)
        {
            // Still waiting: the heartbeat goes out with the VDL as it is.
        }
    }

    /// <summary>
    /// Runs until <paramref name="stopping"/>: waits until the volume makes <paramref name="newest"/> durable (or a
    /// heartbeat passes), then calls <paramref name="durable"/> with VDL when it moved or a heartbeat passed, and
    /// <paramref name="status"/> every second. A volume that cannot make commits durable is logged and tried again.
    /// </summary>
    public static async Task RunAsync(IVolume volume, Func<Lsn> newest, SemaphoreSlim appended, Action<Lsn> durable, Action status, ILogger logger, CancellationToken stopping)
    {
        Lsn sent = Lsn.Zero;
        long lastSent = 0, lastStatus = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var target = newest();
                if (volume.DurableLsn < target)
                    await WaitAtMostAHeartbeatAsync(volume.WaitForDurableAsync(target, stopping), stopping);
                var vdl = volume.DurableLsn;
                long now = Environment.TickCount64;
                if (vdl > sent || now - lastSent >= Heartbeat.TotalMilliseconds)
                {
                    durable(vdl);
                    sent = vdl;
                    lastSent = now;
                }
                if (now - lastStatus >= s_statusEvery.TotalMilliseconds)
                {
                    status();
                    lastStatus = now;
                }
                if (newest() <= vdl)
                    await appended.WaitAsync(Heartbeat, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A volume that cannot make commits durable: keep the heartbeat, try again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ReplicationDurableWaitFailed(logger, ex.Message);
                try
                {
                    await Task.Delay(Heartbeat, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
