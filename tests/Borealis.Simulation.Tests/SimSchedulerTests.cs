namespace Borealis.Simulation.Tests;

public sealed class SimSchedulerTests
{
    [Fact]
    public void EventsRunInTimeOrderAndTiesInSchedulingOrder()
    {
        var scheduler = new SimScheduler();
        var order = new List<string>();
        scheduler.At(50, () => order.Add("b1"));
        scheduler.At(10, () => order.Add("a"));
        scheduler.At(50, () => order.Add("b2"));
        scheduler.At(50, () => scheduler.After(0, () => order.Add("b4")));
        scheduler.At(50, () => order.Add("b3"));
        scheduler.RunUntil(100);
        Assert.Equal(["a", "b1", "b2", "b3", "b4"], order);
        Assert.Equal(100, scheduler.NowMicros);
    }

    [Fact]
    public void TheSameSeedGivesTheSameStream()
    {
        var a = new SimRandom(42);
        var b = new SimRandom(42);
        for (int i = 0; i < 1000; i++)
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        Assert.NotEqual(new SimRandom(1).NextUInt64(), new SimRandom(2).NextUInt64());
    }
}
