using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Borealis.Common;
using Borealis.Storage.Protocol;
using Borealis.Testing;

namespace Borealis.Storage.Transport.Tests;

public sealed class TcpStorageTransportTests : BorealisTest
{
    static StorageNodeInfo Node(int port) => new(new NodeId(1), "a", "127.0.0.1:" + port);

    static GetPageRequest Page(uint page, ulong asOf) => new(new VolumeEpoch(1), 0, new PageId(page), new Lsn(asOf), Lsn.Zero);

    static async Task<(StorageServer Server, FakeSink Sink)> StartServerAsync(int port = 0)
    {
        var sink = new FakeSink();
        var server = new StorageServer(new IPEndPoint(IPAddress.Loopback, port), sink);
        sink.Responder = server;
        server.Start();
        await Task.CompletedTask;
        return (server, sink);
    }

    [Fact]
    public async Task PipelinedRequestsAreAnsweredInOrderWithTheirCorrelations()
    {
        var (server, sink) = await StartServerAsync();
        await using var _ = server;
        var answers = new Answers();
        await using var transport = new TcpStorageTransport(answers.Add);

        const int Count = 2000;
        for (int i = 0; i < Count; i++)
            transport.Send(Node(server.Port), 1000 + i, Page((uint)i + 1, (ulong)i * 3));

        await Eventually.AssertAsync(() => answers.Count == Count, because: "every request is answered");
        var items = answers.Items;
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal(1000 + i, items[i].Correlation);
            var page = Assert.IsType<PageResponse>(items[i].Response);
            Assert.Equal(new Lsn((ulong)i * 3), page.Version);
            Assert.Equal((uint)i + 1, BitConverter.ToUInt32(page.Image.Span));
        }
        Assert.Equal(1, server.ConnectionCount);
        Assert.Single(sink.Received.Select(r => r.Context.Connection).Distinct());
    }

    [Fact]
    public async Task AnswersLargerThanTheReceiveBufferAndManySmallOnesArriveWhole()
    {
        var (server, sink) = await StartServerAsync();
        await using var _ = server;
        // Page i's image is i × 37 KiB (up to ~1.1 MiB) of a pattern that depends on i: frames span many receives,
        // grow the client's buffer, and share receives with the small frames between them.
        sink.Answer = request =>
        {
            var page = (GetPageRequest)request;
            int size = page.Page.Value % 2 == 0 ? 8 : (int)page.Page.Value * 37 * 1024;
            var image = new byte[size];
            for (int b = 0; b < size; b++)
                image[b] = (byte)(b * 31 + page.Page.Value);
            return new PageResponse(page.AsOf, image);
        };
        var answers = new Answers();
        await using var transport = new TcpStorageTransport(answers.Add);

        const int Count = 60;
        for (int i = 0; i < Count; i++)
            transport.Send(Node(server.Port), i, Page((uint)i + 1, (ulong)i));

        await Eventually.AssertAsync(() => answers.Count == Count, because: "every request is answered");
        for (int i = 0; i < Count; i++)
        {
            uint page = (uint)i + 1;
            var image = Assert.IsType<PageResponse>(answers.For(i)).Image.ToArray();
            Assert.Equal(page % 2 == 0 ? 8 : (int)page * 37 * 1024, image.Length);
            for (int b = 0; b < image.Length; b++)
            {
                if (image[b] != (byte)(b * 31 + page))
                    Assert.Fail($"page {page}: byte {b} is {image[b]}, expected {(byte)(b * 31 + page)}");
            }
        }
        Assert.Equal(1, server.ConnectionCount);
    }

    [Fact]
    public async Task EveryMessageKindCrossesTheWire()
    {
        var (server, sink) = await StartServerAsync();
        await using var _ = server;
        var responses = ProtocolSamples.Responses().ToArray();
        int next = 0;
        sink.Answer = _ => responses[Interlocked.Increment(ref next) - 1];
        var answers = new Answers();
        await using var transport = new TcpStorageTransport(answers.Add);

        var requests = ProtocolSamples.Requests().ToArray();
        for (int i = 0; i < responses.Length; i++)
            transport.Send(Node(server.Port), i, requests[i % requests.Length]);

        await Eventually.AssertAsync(() => answers.Count == responses.Length);
        for (int i = 0; i < responses.Length; i++)
        {
            Assert.Equal(ProtocolSamples.Render(responses[i]), ProtocolSamples.Render(answers.For(i)));
            Assert.Equal(ProtocolSamples.Render(requests[i % requests.Length]), ProtocolSamples.Render(sink.Received.ElementAt(i).Request));
        }
    }

    [Fact]
    public async Task AConnectionSendingGarbageIsClosedWhileAnotherKeepsWorking()
    {
        var (server, _) = await StartServerAsync();
        await using var __ = server;
        var answers = new Answers();
        await using var transport = new TcpStorageTransport(answers.Add);
        transport.Send(Node(server.Port), 1, Page(1, 1));
        await Eventually.AssertAsync(() => answers.Count == 1);

        using var bad = new TcpClient();
        await bad.ConnectAsync(IPAddress.Loopback, server.Port, TestToken);
        var stream = bad.GetStream();
        var garbage = StorageCodec.EncodeRequest(9, Page(1, 1));
        garbage[20] ^= 0x40; // checksum no longer matches
        await stream.WriteAsync(garbage, TestToken);
        var buffer = new byte[16];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        deadline.CancelAfter(DefaultTimeout);
        int read;
        try
        {
            read = await stream.ReadAsync(buffer, deadline.Token);
        }
        catch (IOException)
        {
            read = 0; // reset by the server: closed too
        }
        Assert.Equal(0, read);

        transport.Send(Node(server.Port), 2, Page(2, 2));
        await Eventually.AssertAsync(() => answers.Count == 2);
        Assert.IsType<PageResponse>(answers.For(2));
        Assert.Equal(1, server.ConnectionCount);
    }

    [Fact]
    public async Task AFrameWithAnImpossibleLengthClosesTheConnection()
    {
        var (server, sink) = await StartServerAsync();
        await using var _ = server;
        using var bad = new TcpClient();
        await bad.ConnectAsync(IPAddress.Loopback, server.Port, TestToken);
        await bad.GetStream().WriteAsync(new byte[] { 0xff, 0xff, 0xff, 0x7f, 1, 1, 0, 0 }, TestToken);
        await Eventually.AssertAsync(() => server.ConnectionCount == 0 && bad.GetStream().Read(new byte[1]) == 0);
        Assert.Empty(sink.Received);
    }

    [Fact]
    public async Task StoppingTheServerAnswersInFlightRequestsUnreachable()
    {
        var (server, sink) = await StartServerAsync();
        sink.Hold = true;
        var answers = new Answers();
        await using var transport = new TcpStorageTransport(answers.Add, new TcpStorageTransportOptions { RequestTimeout = TimeSpan.FromMinutes(5) });
        for (int i = 0; i < 10; i++)
            transport.Send(Node(server.Port), i, Page(1, 1));
        await Eventually.AssertAsync(() => sink.Received.Count == 10);

        var clock = Stopwatch.StartNew();
        await server.DisposeAsync();

        await Eventually.AssertAsync(() => answers.Count == 10);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "answered by the broken connection, not by the request timeout");
        Assert.All(answers.Items, a => Assert.Equal(StorageStatus.Unreachable, Assert.IsType<ErrorResponse>(a.Response).Status));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), answers.Items.Select(a => a.Correlation).Order());
    }

    [Fact]
    public async Task AClosedPortIsUnreachableWithinTheConnectTimeout()
    {
        var answers = new Answers();
        var options = new TcpStorageTransportOptions { ConnectTimeout = TimeSpan.FromMilliseconds(500), RequestTimeout = TimeSpan.FromSeconds(1) };
        await using var transport = new TcpStorageTransport(answers.Add, options);
        var clock = Stopwatch.StartNew();

        transport.Send(Node(FreePort.Next()), 7, Page(1, 1));

        await Eventually.AssertAsync(() => answers.Count == 1);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"answered after {clock.Elapsed}");
        var error = Assert.IsType<ErrorResponse>(answers.For(7));
        Assert.Equal(StorageStatus.Unreachable, error.Status);
        Assert.Contains("127.0.0.1:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARequestWithoutAnswerTimesOutUnreachableAndItsLateAnswerIsDropped()
    {
        var (server, sink) = await StartServerAsync();
        await using var _ = server;
        sink.Hold = true;
        var answers = new Answers();
        await using var transport = new TcpStorageTransport(answers.Add, new TcpStorageTransportOptions { RequestTimeout = TimeSpan.FromMilliseconds(200) });

        transport.Send(Node(server.Port), 1, Page(1, 1));
        await Eventually.AssertAsync(() => answers.Count == 1);
        Assert.Equal(StorageStatus.Unreachable, Assert.IsType<ErrorResponse>(answers.For(1)).Status);

        // The late answer is dropped; the connection still works.
        var (context, _) = sink.Received.Single();
        server.Reply(context, new OkResponse());
        sink.Hold = false;
        transport.Send(Node(server.Port), 2, Page(2, 2));
        await Eventually.AssertAsync(() => answers.Count == 2);
        Assert.IsType<PageResponse>(answers.For(2));
        Assert.Equal(2, answers.Count);
    }

    [Fact]
    public async Task TheTransportReconnectsAfterTheNodeRestarts()
    {
        var (server, _) = await StartServerAsync();
        int port = server.Port;
        var answers = new Answers();
        await using var transport = new TcpStorageTransport(answers.Add);
        transport.Send(Node(port), 1, Page(1, 1));
        await Eventually.AssertAsync(() => answers.Count == 1);
        await server.DisposeAsync();

        var (restarted, _) = await StartServerAsync(port);
        await using var __ = restarted;
        long correlation = 100;
        await Eventually.AssertAsync(() =>
        {
            long mine = Interlocked.Increment(ref correlation);
            transport.Send(Node(port), mine, Page(3, 3));
            return answers.Items.Any(a => a.Correlation > 100 && a.Response is PageResponse);
        });
        Assert.All(answers.Items.Where(a => a.Response is ErrorResponse), a => Assert.Equal(StorageStatus.Unreachable, ((ErrorResponse)a.Response).Status));
    }

    [Fact]
    public async Task AFailingHandlerAnswersFailedAndTheConnectionGoesOn()
    {
        var (server, sink) = await StartServerAsync();
        await using var _ = server;
        sink.Answer = request => request is GetMapRequest ? throw new InvalidOperationException("boom") : FakeSink.DefaultAnswer(request);
        var answers = new Answers();
        await using var transport = new TcpStorageTransport(answers.Add);

        transport.Send(Node(server.Port), 1, new GetMapRequest());
        transport.Send(Node(server.Port), 2, Page(5, 5));

        await Eventually.AssertAsync(() => answers.Count == 2);
        var error = Assert.IsType<ErrorResponse>(answers.For(1));
        Assert.Equal(StorageStatus.Failed, error.Status);
        Assert.Contains("boom", error.Message, StringComparison.Ordinal);
        Assert.IsType<PageResponse>(answers.For(2));
    }

    [Fact]
    public async Task SendAfterDisposeIsAnsweredUnreachable()
    {
        var answers = new Answers();
        var transport = new TcpStorageTransport(answers.Add);
        await transport.DisposeAsync();
        transport.Send(Node(1), 1, new GetStatusRequest());
        await Eventually.AssertAsync(() => answers.Count == 1);
        Assert.Equal(StorageStatus.Unreachable, Assert.IsType<ErrorResponse>(answers.For(1)).Status);
    }
}
