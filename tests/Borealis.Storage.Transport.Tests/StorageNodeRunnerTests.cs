using System.Collections.Concurrent;
using System.Net;
using Borealis.Storage.Protocol;
using Borealis.Testing;

namespace Borealis.Storage.Transport.Tests;

public sealed class StorageNodeRunnerTests : BorealisTest
{
    [Fact]
    public async Task ANodeBehindTheTcpServerAnswersStatusAndMapRequests()
    {
        using var directory = new TempDirectory();
        var options = new StorageNodeOptions { Id = new NodeId(3), Zone = "b" };
        await using var runner = new StorageNodeRunner(options, new FileStorageDisk(directory.Path), onResponse => new TcpStorageTransport(onResponse));
        await using var server = new StorageServer(new IPEndPoint(IPAddress.Loopback, 0), runner);
        runner.Start(server);
        server.Start();
        var answers = new Answers();
        await using var client = new TcpStorageTransport(answers.Add);
        var node = new StorageNodeInfo(new NodeId(3), "b", "127.0.0.1:" + server.Port);

        client.Send(node, 1, new GetStatusRequest());
        client.Send(node, 2, new GetMapRequest());

        await Eventually.AssertAsync(() => answers.Count == 2);
        var status = Assert.IsType<NodeStatusResponse>(answers.For(1));
        Assert.Equal(new NodeId(3), status.Node);
        Assert.Equal("b", status.Zone);
        Assert.Null(Assert.IsType<MapResponse>(answers.For(2)).Map);
        Assert.Equal(new NodeId(3), (await runner.GetStatusAsync(TestToken)).Node);
        Assert.Equal(StorageNodeRunnerState.Running, runner.State);

        await runner.StopAsync();
        Assert.Equal(StorageNodeRunnerState.Stopped, runner.State);
        client.Send(node, 3, new GetStatusRequest());
        await Eventually.AssertAsync(() => answers.Count == 3);
        Assert.Equal(StorageStatus.Failed, Assert.IsType<ErrorResponse>(answers.For(3)).Status);
    }

    sealed class Replies : IStorageResponder
    {
        public ConcurrentDictionary<ulong, StorageResponse> ById { get; } = new();

        public void Reply(RequestContext context, StorageResponse response) => ById[context.RequestId] = response;
    }

    [Fact]
    public async Task RequestsDrainedByCallersAndByTheLoopAreAllAnsweredAndStopEndsPromptly()
    {
        // Callers drain their own requests and the loop thread is not woken when a drain ends: requests queued for the
        // loop while a drain runs, and the stop, must still be served (no lost wake-up, no hang).
        using var directory = new TempDirectory();
        var options = new StorageNodeOptions { Id = new NodeId(5), Zone = "a" };
        var runner = new StorageNodeRunner(options, new FileStorageDisk(directory.Path), onResponse => new TcpStorageTransport(onResponse),
            tickInterval: TimeSpan.FromMilliseconds(5));
        var replies = new Replies();
        runner.Start(replies);
        const int PerThread = 500;
        var drainers = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                ulong id = (ulong)(t * PerThread + i);
                if (i % 3 == 0)
                {
                    runner.Handle(new RequestContext(1, id), new GetStatusRequest()); // for the loop thread
                }
                else
                {
                    runner.Enqueue(new RequestContext(1, id), new GetStatusRequest());
                    runner.Drain();
                }
            }
        }, TestToken)).ToArray();
        await Task.WhenAll(drainers);
        await Eventually.AssertAsync(() => replies.ById.Count == 4 * PerThread);
        Assert.All(replies.ById.Values, r => Assert.Equal(new NodeId(5), Assert.IsType<NodeStatusResponse>(r).Node));
        // The loop still serves a request queued after the last drain, and the node still ticks and stops.
        Assert.Equal(new NodeId(5), (await runner.GetStatusAsync(TestToken).WaitAsync(TimeSpan.FromSeconds(10), TestToken)).Node);
        var draining = Task.Run(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                runner.Enqueue(new RequestContext(2, (ulong)i), new GetStatusRequest());
                runner.Drain();
            }
        }, TestToken);
        await runner.StopAsync().WaitAsync(TimeSpan.FromSeconds(10), TestToken);
        await draining;
        Assert.Equal(StorageNodeRunnerState.Stopped, runner.State);
    }
}
