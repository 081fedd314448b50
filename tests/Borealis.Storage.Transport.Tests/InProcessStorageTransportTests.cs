using Borealis.Common;
using Borealis.Storage.Protocol;
using Borealis.Testing;

namespace Borealis.Storage.Transport.Tests;

public sealed class InProcessStorageTransportTests : BorealisTest
{
    static readonly StorageNodeInfo s_node = new(new NodeId(1), "a", "node-1");

    static GetPageRequest Page(uint page) => new(new VolumeEpoch(1), 0, new PageId(page), new Lsn(page), Lsn.Zero);

    [Fact]
    public async Task RequestsReachTheNodeAndAnswersComeBackInOrder()
    {
        var network = new InProcessStorageNetwork();
        var sink = new FakeSink { Responder = network };
        network.Register(s_node.Address, sink);
        var answers = new Answers();
        await using var transport = network.CreateTransport(answers.Add);

        for (uint i = 1; i <= 500; i++)
            transport.Send(s_node, i, Page(i));

        await Eventually.AssertAsync(() => answers.Count == 500);
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), answers.Items.Select(a => a.Correlation));
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (uint)i), sink.Received.Select(r => ((GetPageRequest)r.Request).Page.Value));
        Assert.Equal(new Lsn(77), Assert.IsType<PageResponse>(answers.For(77)).Version);
    }

    [Fact]
    public async Task AnUnknownAddressIsUnreachable()
    {
        var network = new InProcessStorageNetwork();
        var answers = new Answers();
        await using var transport = network.CreateTransport(answers.Add);

        transport.Send(s_node, 1, new GetMapRequest());

        await Eventually.AssertAsync(() => answers.Count == 1);
        Assert.Equal(StorageStatus.Unreachable, Assert.IsType<ErrorResponse>(answers.For(1)).Status);
    }

    [Fact]
    public async Task AStoppedNodeIsUnreachableUntilStartedAgain()
    {
        var network = new InProcessStorageNetwork();
        var sink = new FakeSink { Responder = network, Hold = true };
        network.Register(s_node.Address, sink);
        var answers = new Answers();
        await using var transport = network.CreateTransport(answers.Add, TimeSpan.FromMinutes(5));

        transport.Send(s_node, 1, Page(1));
        await Eventually.AssertAsync(() => sink.Received.Count == 1);
        network.Stop(s_node.Address);
        await Eventually.AssertAsync(() => answers.Count == 1, because: "the request in flight is answered when the node stops");
        Assert.Equal(StorageStatus.Unreachable, Assert.IsType<ErrorResponse>(answers.For(1)).Status);

        // Its late answer is dropped; new requests are refused.
        network.Reply(sink.Received.Single().Context, new OkResponse());
        transport.Send(s_node, 2, Page(2));
        await Eventually.AssertAsync(() => answers.Count == 2);
        Assert.Equal(StorageStatus.Unreachable, Assert.IsType<ErrorResponse>(answers.For(2)).Status);
        Assert.False(network.IsRunning(s_node.Address));

        sink.Hold = false;
        network.Start(s_node.Address);
        transport.Send(s_node, 3, Page(3));
        await Eventually.AssertAsync(() => answers.Count == 3);
        Assert.Equal(new Lsn(3), Assert.IsType<PageResponse>(answers.For(3)).Version);
        Assert.Equal(2, sink.Received.Count);
    }

    [Fact]
    public async Task ARequestWithoutAnswerTimesOut()
    {
        var network = new InProcessStorageNetwork();
        network.Register(s_node.Address, new FakeSink { Responder = network, Hold = true });
        var answers = new Answers();
        await using var transport = network.CreateTransport(answers.Add, TimeSpan.FromMilliseconds(100));

        transport.Send(s_node, 1, Page(1));

        await Eventually.AssertAsync(() => answers.Count == 1);
        Assert.Equal(StorageStatus.Unreachable, Assert.IsType<ErrorResponse>(answers.For(1)).Status);
    }
}
