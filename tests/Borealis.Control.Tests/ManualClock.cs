namespace Borealis.Control.Tests;

/// <summary>A clock that moves only when the test says (<see cref="Advance"/>); timers still run on real time.</summary>
internal sealed class ManualClock : TimeProvider
{
    long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
