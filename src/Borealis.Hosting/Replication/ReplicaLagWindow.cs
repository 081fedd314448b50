using System.Buffers;

namespace Borealis.Hosting.Replication;

/// <summary>
/// The replica lag of each recently applied commit, for percentiles on the status endpoint: the commits applied in
/// the last <see cref="Span"/>, at most the newest <see cref="Capacity"/>. One thread records (the replica's apply
/// loop); any thread reads. Recording is a slot write under a lock that a reader holds only to copy the slots.
/// </summary>
internal sealed class ReplicaLagWindow(TimeProvider clock)
{
    public const int Capacity = 10_000;

    public static readonly TimeSpan Span = TimeSpan.FromSeconds(60);

    readonly double[] _lags = new double[Capacity];
    readonly long[] _times = new long[Capacity];
    readonly Lock _lock = new();
    long _recorded;

    public ReplicaLagWindow()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Adds the lag of one applied commit.</summary>
    public void Record(double lagMs)
    {
        long now = clock.GetTimestamp();
        lock (_lock)
        {
            int slot = (int)(_recorded % Capacity);
            _lags[slot] = lagMs;
            _times[slot] = now;
            _recorded++;
        }
    }

    /// <summary>The window's percentiles (nearest rank); null values when no commit was applied in it.</summary>
    public LagPercentiles Percentiles()
    {
        // The probes ask several times a second: pooled copies, not 160 KB of garbage each time.
        var lags = ArrayPool<double>.Shared.Rent(Capacity);
        var times = ArrayPool<long>.Shared.Rent(Capacity);
        try
        {
            int count;
            lock (_lock)
            {
                count = (int)Math.Min(_recorded, Capacity);
                Array.Copy(_lags, lags, count);
                Array.Copy(_times, times, count);
            }
            long now = clock.GetTimestamp();
            int kept = 0;
            for (int i = 0; i < count; i++)
            {
                if (clock.GetElapsedTime(times[i], now) <= Span)
                    lags[kept++] = lags[i];
            }
            if (kept == 0)
                return new LagPercentiles(0, null, null, null);
            Array.Sort(lags, 0, kept);
            return new LagPercentiles(kept, lags[Rank(0.50, kept)], lags[Rank(0.99, kept)], lags[kept - 1]);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(lags);
            ArrayPool<long>.Shared.Return(times);
        }
    }

    /// <summary>The index of the nearest-rank <paramref name="p"/> percentile of <paramref name="n"/> sorted values.</summary>
    static int Rank(double p, int n) => Math.Clamp((int)Math.Ceiling(p * n) - 1, 0, n - 1);
}

/// <summary>Percentiles of the lags in a <see cref="ReplicaLagWindow"/>, in milliseconds.</summary>
internal readonly record struct LagPercentiles(int Samples, double? P50, double? P99, double? Max);
