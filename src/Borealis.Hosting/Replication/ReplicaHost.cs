namespace Borealis.Hosting.Replication;

/// <summary>One instance of the cluster as the writer sees it: a row of information_schema.replica_host_status.</summary>
public sealed record ReplicaHost(string ServerId, bool IsWriter, double LagMilliseconds, double CpuPercent, DateTimeOffset LastUpdate);

/// <summary>This process's CPU use, as a percentage of one core, measured between calls.</summary>
internal sealed class CpuMeter
{
    TimeSpan _lastCpu = Environment.CpuUsage.TotalTime;
    long _lastTicks = Environment.TickCount64;
    double _percent;
    readonly Lock _lock = new();

    public double Percent
    {
        get
        {
            lock (_lock)
                return Measure();
        }
    }

    double Measure()
    {
        long now = Environment.TickCount64;
        if (now - _lastTicks >= 500)
        {
            var cpu = Environment.CpuUsage.TotalTime;
            _percent = Math.Round(100.0 * (cpu - _lastCpu).TotalMilliseconds / (now - _lastTicks), 1);
            _lastCpu = cpu;
            _lastTicks = now;
        }
        return _percent;
    }
}
