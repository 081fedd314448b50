using Borealis.Hosting.Replication;
using Borealis.Testing;

namespace Borealis.Hosting.Tests;

/// <summary>The window of recent replica lags behind the status endpoint's percentiles.</summary>
public sealed class ReplicaLagWindowTests : BorealisTest
{
    sealed class ManualClock : TimeProvider
    {
        long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    [Fact]
    public void PercentilesAreNearestRankOverTheCommitsOfTheLastMinute()
    {
        var clock = new ManualClock();
        var window = new ReplicaLagWindow(clock);
        Assert.Equal(new LagPercentiles(0, null, null, null), window.Percentiles());

        // 1, 2, ..., 200 ms in a shuffled order.
        foreach (int lag in Enumerable.Range(1, 200).OrderBy(i => (i * 7919) % 200))
            window.Record(lag);
        Assert.Equal(new LagPercentiles(200, 100, 198, 200), window.Percentiles());

        // Half a minute later 100 more at 0.5 ms: the window holds both.
        clock.Advance(TimeSpan.FromSeconds(30));
        for (int i = 0; i < 100; i++)
            window.Record(0.5);
        Assert.Equal(new LagPercentiles(300, 50, 197, 200), window.Percentiles());

        // Another 31 s: the first 200 are older than the window.
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(new LagPercentiles(100, 0.5, 0.5, 0.5), window.Percentiles());
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(new LagPercentiles(0, null, null, null), window.Percentiles());
    }

    [Fact]
    public void TheWindowKeepsOnlyTheNewestTenThousandCommits()
    {
        var window = new ReplicaLagWindow(new ManualClock());
        for (int i = 0; i < ReplicaLagWindow.Capacity; i++)
            window.Record(1000);
        for (int i = 1; i <= 2500; i++)
            window.Record(i % 2 == 0 ? 2 : 1);
        // 10,000 kept: 7,500 of 1000 ms and the 2,500 new ones (1,250 each of 1 and 2 ms).
        Assert.Equal(new LagPercentiles(ReplicaLagWindow.Capacity, 1000, 1000, 1000), window.Percentiles());
        for (int i = 0; i < 7500; i++)
            window.Record(3);
        Assert.Equal(new LagPercentiles(ReplicaLagWindow.Capacity, 3, 3, 3), window.Percentiles());
        window.Record(4);
        Assert.Equal(4, window.Percentiles().Max);
    }
}
