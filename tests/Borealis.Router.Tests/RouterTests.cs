using System.Net;
using System.Security.Cryptography;
using Borealis.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Borealis.Router.Tests;

/// <summary>The router in process, in front of fake instances that greet first (as MySQL servers do) and echo.</summary>
public sealed class RouterTests : BorealisTest
{
    static Router StartRouter(IEndpointSource source, TimeSpan? backendWait = null, int maxConnections = 100)
    {
        var router = new Router(new RouterOptions
        {
            ClusterEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ReaderEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            BackendWait = backendWait ?? TimeSpan.FromSeconds(5),
            MaxConnections = maxConnections,
        }, source, NullLogger.Instance);
        router.Start();
        return router;
    }

    [Fact]
    public async Task ClusterEndpointReachesTheWriterAndItsGreetingArrivesFirst()
    {
        await using var writer = new FakeInstance("instance-1");
        await using var reader = new FakeInstance("instance-2");
        var source = new ManualEndpointSource();
        source.Set(writer, reader);
        await using var router = StartRouter(source);

        var (client, instance) = await ProxyClient.ConnectAndGreetAsync(router.ClusterPort);
        using var _ = client;
        Assert.Equal("instance-1", instance);
        Assert.Equal("ping", await client.EchoAsync("ping"));
        Assert.Equal(0, reader.Accepted);
        Assert.Equal(1, router.ClusterConnections);
        Assert.Equal(0, router.ReaderConnections);
        Assert.Equal(1, router.TotalRouted);
        Assert.Equal(new Dictionary<string, int> { ["instance-1"] = 1 }, router.ConnectionsByInstance);
    }

    [Fact]
    public async Task ReaderEndpointGoesRoundRobinOverTheReaders()
    {
        await using var writer = new FakeInstance("instance-1");
        await using var r2 = new FakeInstance("instance-2");
        await using var r3 = new FakeInstance("instance-3");
        var source = new ManualEndpointSource();
        source.Set(writer, r2, r3);
        await using var router = StartRouter(source);

        var ids = new List<string>();
        var clients = new List<ProxyClient>();
        for (int i = 0; i < 4; i++)
        {
            var (client, id) = await ProxyClient.ConnectAndGreetAsync(router.ReaderPort);
            clients.Add(client);
            ids.Add(id);
        }
        Assert.Equal(ids[0], ids[2]);
        Assert.Equal(ids[1], ids[3]);
        Assert.Equal(["instance-2", "instance-3"], ids.Take(2).Order());
        Assert.Equal(0, writer.Accepted);
        Assert.Equal(4, router.ReaderConnections);
        Assert.Equal(new Dictionary<string, int> { ["instance-2"] = 2, ["instance-3"] = 2 }, router.ConnectionsByInstance);
        clients.ForEach(c => c.Dispose());
        await Eventually.AssertAsync(() => router.ReaderConnections == 0, because: "closed clients end their proxied connections");
    }

    [Fact]
    public async Task ReaderEndpointFallsBackToTheWriterWhenThereAreNoReaders()
    {
        await using var writer = new FakeInstance("instance-1");
        var source = new ManualEndpointSource();
        source.Set(writer);
        await using var router = StartRouter(source);

        var (client, id) = await ProxyClient.ConnectAndGreetAsync(router.ReaderPort);
        using var _ = client;
        Assert.Equal("instance-1", id);
        Assert.Equal("x", await client.EchoAsync("x"));
        Assert.Equal(1, router.ReaderConnections);
    }

    [Fact]
    public async Task ClusterEndpointNeverUsesAReaderAndClosesTheClientWhenNoWriterComesInTime()
    {
        await using var reader = new FakeInstance("instance-2");
        var source = new ManualEndpointSource();
        source.Set(null, reader);
        await using var router = StartRouter(source, backendWait: TimeSpan.FromMilliseconds(300));

        using var client = await ProxyClient.ConnectAsync(router.ClusterPort);
        Assert.True(await client.IsClosedByPeerAsync());
        Assert.Equal(0, reader.Accepted);
        Assert.Equal(0, router.TotalRouted);
    }

    [Fact]
    public async Task ClusterEndpointHoldsANewConnectionUntilAWriterAppears()
    {
        await using var writer = new FakeInstance("instance-2");
        var source = new ManualEndpointSource();
        source.Set((FakeInstance?)null);
        await using var router = StartRouter(source, backendWait: TimeSpan.FromSeconds(20));

        using var client = await ProxyClient.ConnectAsync(router.ClusterPort);
        await Eventually.AssertAsync(() => router.PendingConnections == 1, because: "the connection waits for a writer");
        source.Set(writer);
        Assert.Equal("hello from instance-2", await client.ReadLineAsync());
        Assert.Equal(1, router.ClusterConnections);
    }

    [Fact]
    public async Task SwappingRolesClosesBothSidesOfEveryConnectionToTheOldRoles()
    {
        await using var a = new FakeInstance("instance-1");
        await using var b = new FakeInstance("instance-2");
        var source = new ManualEndpointSource();
        source.Set(a, b);
        await using var router = StartRouter(source);
        var (toWriter, writerId) = await ProxyClient.ConnectAndGreetAsync(router.ClusterPort);
        var (toReader, readerId) = await ProxyClient.ConnectAndGreetAsync(router.ReaderPort);
        using var _ = toWriter;
        using var __ = toReader;
        Assert.Equal(("instance-1", "instance-2"), (writerId, readerId));

        source.Set(b, a);

        Assert.True(await toWriter.IsClosedByPeerAsync(), "the cluster connection to the demoted writer is closed");
        Assert.True(await toReader.IsClosedByPeerAsync(), "the reader connection to the promoted reader is closed");
        await Eventually.AssertAsync(() => a.Ended == 1 && b.Ended == 1, because: "the instance sides are closed too");
        Assert.Equal(2, router.TotalClosedForRoleChange);

        var (again, id) = await ProxyClient.ConnectAndGreetAsync(router.ClusterPort);
        using var ___ = again;
        Assert.Equal("instance-2", id);
        var (againReader, rid) = await ProxyClient.ConnectAndGreetAsync(router.ReaderPort);
        using var ____ = againReader;
        Assert.Equal("instance-1", rid);
    }

    [Fact]
    public async Task RemovingAReaderClosesOnlyTheConnectionsToIt()
    {
        await using var writer = new FakeInstance("instance-1");
        await using var r2 = new FakeInstance("instance-2");
        await using var r3 = new FakeInstance("instance-3");
        var source = new ManualEndpointSource();
        source.Set(writer, r2, r3);
        await using var router = StartRouter(source);
        var (first, firstId) = await ProxyClient.ConnectAndGreetAsync(router.ReaderPort);
        var (second, secondId) = await ProxyClient.ConnectAndGreetAsync(router.ReaderPort);
        var (cluster, _) = await ProxyClient.ConnectAndGreetAsync(router.ClusterPort);
        using var c1 = first;
        using var c2 = second;
        using var c3 = cluster;
        var toR3 = firstId == "instance-3" ? first : second;
        var toR2 = firstId == "instance-3" ? second : first;
        Assert.Equal(["instance-2", "instance-3"], new[] { firstId, secondId }.Order());

        source.Set(writer, r2);

        Assert.True(await toR3.IsClosedByPeerAsync());
        Assert.Equal("still", await toR2.EchoAsync("still"));
        Assert.Equal("here", await cluster.EchoAsync("here"));
        // The count drops when the closed connection's proxy task ends, just after the client saw the close.
        await Eventually.AssertAsync(() => router.ConnectionsByInstance.Count == 2, because: "instance-3's connection is no longer counted");
        Assert.Equal(new Dictionary<string, int> { ["instance-1"] = 1, ["instance-2"] = 1 }, router.ConnectionsByInstance);
    }

    [Fact]
    public async Task WhenTheInstanceClosesTheClientIsClosedAndViceVersa()
    {
        await using var writer = new FakeInstance("instance-1");
        var source = new ManualEndpointSource();
        source.Set(writer);
        await using var router = StartRouter(source);

        var (dropped, _) = await ProxyClient.ConnectAndGreetAsync(router.ClusterPort);
        using var d = dropped;
        writer.DropAll();
        Assert.True(await dropped.IsClosedByPeerAsync());

        var (leaving, _) = await ProxyClient.ConnectAndGreetAsync(router.ClusterPort);
        int endedBefore = writer.Ended;
        leaving.Dispose();
        await Eventually.AssertAsync(() => writer.Ended == endedBefore + 1, because: "the router closes the instance side");
        await Eventually.AssertAsync(() => router.ClusterConnections == 0 && router.ConnectionsByInstance.Count == 0);
    }

    [Fact]
    public async Task AFailedConnectToTheWriterAsksForFreshEndpointsAtOnce()
    {
        await using var writer = new FakeInstance("instance-2");
        var source = new ManualEndpointSource();
        source.Set(new InstanceEndpoint("instance-1", "127.0.0.1", FreePort.Next()), []);
        source.OnRefresh = () =>
        {
            if (source.Current?.Writer?.Id == "instance-1")
                source.Set(writer);
        };
        await using var router = StartRouter(source);

        var (client, id) = await ProxyClient.ConnectAndGreetAsync(router.ClusterPort);
        using var _ = client;
        Assert.Equal("instance-2", id);
        Assert.True(source.Refreshes >= 1);
    }

    [Fact]
    public async Task ConnectionsBeyondTheLimitAreClosedAtOnce()
    {
        await using var writer = new FakeInstance("instance-1");
        var source = new ManualEndpointSource();
        source.Set(writer);
        await using var router = StartRouter(source, maxConnections: 2);
        var (one, _) = await ProxyClient.ConnectAndGreetAsync(router.ClusterPort);
        var (two, _) = await ProxyClient.ConnectAndGreetAsync(router.ReaderPort);
        using var c2 = two;

        using var three = await ProxyClient.ConnectAsync(router.ClusterPort);
        Assert.True(await three.IsClosedByPeerAsync());
        Assert.Equal(1, router.TotalRefused);
        Assert.Equal(2, writer.Accepted);

        one.Dispose();
        await Eventually.AssertAsync(() => router.ClusterConnections == 0);
        var (four, id) = await ProxyClient.ConnectAndGreetAsync(router.ClusterPort);
        using var c4 = four;
        Assert.Equal("instance-1", id);
    }

    [Fact]
    public async Task ASlowClientDoesNotHoldUpOthers()
    {
        await using var writer = new FakeInstance("instance-1");
        var source = new ManualEndpointSource();
        source.Set(writer);
        await using var router = StartRouter(source);
        var (slow, _) = await ProxyClient.ConnectAndGreetAsync(router.ClusterPort);
        using var s = slow;
        slow.Socket.ReceiveBufferSize = 4096;
        await slow.SendAsync("flood\n");

        var (fast, _) = await ProxyClient.ConnectAndGreetAsync(router.ClusterPort);
        using var f = fast;
        for (int i = 0; i < 100; i++)
            Assert.Equal($"line {i}", await fast.EchoAsync($"line {i}"));
    }

    [Fact]
    public async Task LargeTransfersArriveIntact()
    {
        await using var writer = new FakeInstance("instance-1");
        var source = new ManualEndpointSource();
        source.Set(writer);
        await using var router = StartRouter(source);
        var (client, _) = await ProxyClient.ConnectAndGreetAsync(router.ClusterPort);
        using var c = client;

        var sent = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        var send = client.Socket.SendAsync(sent, System.Net.Sockets.SocketFlags.None, TestToken).AsTask();
        var received = new byte[sent.Length];
        int total = 0;
        while (total < received.Length)
        {
            int read = await client.Socket.ReceiveAsync(received.AsMemory(total), System.Net.Sockets.SocketFlags.None, TestToken);
            Assert.NotEqual(0, read);
            total += read;
        }
        await send;
        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task ABusyPortIsAnIOExceptionAndNothingStaysBound()
    {
        await using var writer = new FakeInstance("instance-1");
        var source = new ManualEndpointSource();
        source.Set(writer);
        var router = new Router(new RouterOptions
        {
            ClusterEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ReaderEndPoint = new IPEndPoint(IPAddress.Loopback, writer.Port),
        }, source, NullLogger.Instance);
        var error = Assert.Throws<IOException>(router.Start);
        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
        await router.DisposeAsync();
    }
}
