using System.Globalization;
using System.Text;

namespace Borealis.Simulation.Tests;

/// <summary>The last events of a run, kept in a ring and formatted only when a run fails.</summary>
public sealed class SimTrace(SimScheduler scheduler, int capacity = 400)
{
    readonly (long Time, string Kind, object? Detail)[] _ring = new (long, string, object?)[capacity];
    long _count;

    /// <summary>A hash of every event's time and kind: two runs of one seed must agree on it.</summary>
    public ulong Fingerprint { get; private set; } = 14695981039346656037UL;

    public void Add(string kind, object? detail = null)
    {
        ulong hash = (Fingerprint ^ (ulong)scheduler.NowMicros) * 1099511628211UL;
        foreach (char c in kind)
            hash = (hash ^ c) * 1099511628211UL;
        Fingerprint = hash;
        _ring[_count % _ring.Length] = (scheduler.NowMicros, kind, detail);
        _count++;
    }

    /// <summary>The last <paramref name="last"/> events, oldest first, one per line.</summary>
    public string Format(int last)
    {
        var text = new StringBuilder();
        long start = Math.Max(0, _count - Math.Min(last, _ring.Length));
        for (long i = start; i < _count; i++)
        {
            var (time, kind, detail) = _ring[i % _ring.Length];
            text.Append(CultureInfo.InvariantCulture, $"  {time / 1000.0,10:F3}ms {kind} {Describe.Any(detail)}\n");
        }
        return text.ToString();
    }
}
