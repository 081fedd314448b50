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
}
