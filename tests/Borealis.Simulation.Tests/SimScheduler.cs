namespace Borealis.Simulation.Tests;

/// <summary>
/// Virtual time and the event queue. Time is in microseconds (network delays are fractions of a millisecond); the
/// cores see whole milliseconds. Events at the same time run in the order they were scheduled (a sequence number
/// breaks ties), so a run replays exactly.
/// </summary>
public sealed class SimScheduler
{
    readonly PriorityQueue<Action, (long Time, long Sequence)> _queue = new();
    long _sequence;

    /// <summary>Virtual microseconds since the start of the run.</summary>
    public long NowMicros { get; private set; }

    public long NowMilliseconds => NowMicros / 1000;

    public long EventsRun { get; private set; }

    public int Pending => _queue.Count;

    /// <summary>Runs <paramref name="action"/> at <paramref name="timeMicros"/> (now, if that is in the past).</summary>
    public void At(long timeMicros, Action action) =>
        _queue.Enqueue(action, (Math.Max(timeMicros, NowMicros), _sequence++));

    public void After(long delayMicros, Action action) => At(NowMicros + delayMicros, action);

    /// <summary>Runs the next event if it is due by <paramref name="untilMicros"/>; false when there is none.</summary>
    public bool RunNext(long untilMicros)
    {
        if (!_queue.TryPeek(out _, out var key) || key.Time > untilMicros)
            return false;
        var action = _queue.Dequeue();
        NowMicros = key.Time;
        EventsRun++;
        action();
        return true;
    }

    /// <summary>Runs every event due by <paramref name="untilMicros"/>, then moves the clock there.</summary>
    public void RunUntil(long untilMicros)
    {
        while (RunNext(untilMicros))
        {
        }
        NowMicros = Math.Max(NowMicros, untilMicros);
    }
}
