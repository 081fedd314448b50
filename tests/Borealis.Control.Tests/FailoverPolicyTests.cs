namespace Borealis.Control.Tests;

public sealed class FailoverPolicyTests
{
    static FailoverPolicy.Candidate Reader(string id, int tier, bool healthy = true, double? lag = null) =>
        new(new InstanceSpec(id, InstanceRole.Reader, tier, 1, 2), healthy, lag);

    [Fact]
    public void TheLowestTierWinsOverLagAndId() =>
        Assert.Equal("instance-5", FailoverPolicy.Choose([Reader("instance-2", 1, lag: 0), Reader("instance-5", 0, lag: 900), Reader("instance-3", 2)])?.Id);

    [Fact]
    public void WithinATierTheMostCaughtUpWinsAndUnknownLagComesLast() =>
        Assert.Equal("instance-4", FailoverPolicy.Choose([Reader("instance-2", 1), Reader("instance-3", 1, lag: 40), Reader("instance-4", 1, lag: 5)])?.Id);

    [Fact]
    public void ThenTheLowestIdNumberWins() =>
        Assert.Equal("instance-9", FailoverPolicy.Choose([Reader("instance-10", 1, lag: 5), Reader("instance-9", 1, lag: 5)])?.Id);

    [Fact]
    public void UnhealthyReadersAndWritersAreNeverChosen()
    {
        var writer = new FailoverPolicy.Candidate(new InstanceSpec("instance-1", InstanceRole.Writer, 0, 1, 2), true, 0);
        Assert.Null(FailoverPolicy.Choose([writer, Reader("instance-2", 0, healthy: false)]));
        Assert.Equal("instance-3", FailoverPolicy.Choose([writer, Reader("instance-2", 0, healthy: false), Reader("instance-3", 15)])?.Id);
    }
}
