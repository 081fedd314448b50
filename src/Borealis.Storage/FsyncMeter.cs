using System.Diagnostics;
using Borealis.Storage.Protocol;

namespace Borealis.Storage;

/// <summary>
/// Times a node's fsyncs: a count and total since the node started, and the durations of the most recent
/// <see cref="Window"/> for quantiles. Used from one thread at a time (the node's loop, or its opening before it).
/// </summary>
internal sealed class FsyncMeter
{
    /// <summary>How many of the most recent fsyncs the quantiles cover.</summary>
    public const int Window = 1024;

    static readonly double s_nanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    readonly ulong[] _recent = new ulong[Window];
    ulong _count;
    ulong _totalNanoseconds;

    /// <summary>Runs <paramref name="sync"/> and records how long it took (also when it throws).</summary>
    public void Time(Action sync)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            sync();
        }
        finally
        {
            Record((ulong)((Stopwatch.GetTimestamp() - start) * s_nanosecondsPerTick));
        }
    }

    void Record(ulong nanoseconds)
    {
        _recent[_count % Window] = nanoseconds;
        _count++;
        _totalNanoseconds += nanoseconds;
    }

    /// <summary>The statistics now.</summary>
    public FsyncStats Snapshot()
    {
        int recent = (int)Math.Min(_count, Window);
        if (recent == 0)
            return default;
        var sorted = _recent.AsSpan(0, recent).ToArray();
        Array.Sort(sorted);
        return new FsyncStats(_count, _totalNanoseconds, (uint)recent, Quantile(sorted, 0.5), Quantile(sorted, 0.99), sorted[^1]);
    }

    /// <summary>The nearest-rank quantile of sorted values.</summary>
    static ulong Quantile(ulong[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
