using System.Net;
using System.Text;
using Borealis.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Borealis.Router.Tests;

/// <summary>The endpoints JSON (contract 3) and the two origins of the polling source: a file and the control API.</summary>
public sealed class EndpointSourceTests : BorealisTest
{
    const string TwoInstances = """
        {"version":7,"writer":{"id":"instance-1","host":"127.0.0.1","port":3310},
         "readers":[{"id":"instance-2","host":"127.0.0.1","port":3311}]}
        """;

    [Fact]
    public void ParseReadsTheControlApiAnswer()
    {
        var snapshot = EndpointSnapshot.Parse(Encoding.UTF8.GetBytes(TwoInstances));
        Assert.Equal(7, snapshot.Version);
        Assert.Equal(new InstanceEndpoint("instance-1", "127.0.0.1", 3310), snapshot.Writer);
        Assert.Equal([new InstanceEndpoint("instance-2", "127.0.0.1", 3311)], snapshot.Readers);

        var failover = EndpointSnapshot.Parse("""{"version":8,"writer":null,"readers":[]}"""u8);
        Assert.Null(failover.Writer);
        Assert.Empty(failover.Readers);
        Assert.False(failover.SameAs(snapshot));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"version\":")]
    [InlineData("[1,2]")]
    [InlineData("""{"version":1,"writer":{"id":"instance-1","host":"127.0.0.1","port":0},"readers":[]}""")]
    [InlineData("""{"version":1,"writer":null,"readers":[{"host":"127.0.0.1","port":3311}]}""")]
    public void ParseRejectsWhatIsNotAnEndpointsAnswer(string json) =>
        Assert.Throws<FormatException>(() => EndpointSnapshot.Parse(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public async Task FileSourcePublishesEachChangeAndKeepsTheLastGoodAnswerWhenTheFileIsBroken()
    {
        using var dir = new TempDirectory("borealis-router");
        var path = dir.Combine("endpoints.json");
        await File.WriteAllTextAsync(path, TwoInstances, TestToken);
        var log = new ListLogger();
        await using var source = PollingEndpointSource.ForFile(path, log, TimeSpan.FromMilliseconds(20));
        var seen = new List<long>();
        source.Changed += s => { lock (seen) seen.Add(s.Version); };
        source.Start();
        await source.WaitForFirstAsync(TestToken);
        Assert.Equal("instance-1", source.Current!.Writer!.Id);

        await File.WriteAllTextAsync(path, "{ not json", TestToken);
        await Eventually.AssertAsync(() => log.Logged(EventIds.EndpointsUnavailable), because: "the broken file is read and reported");
        Assert.Equal(7, source.Current!.Version);

        await File.WriteAllTextAsync(path, """{"version":9,"writer":{"id":"instance-2","host":"127.0.0.1","port":3311},"readers":[]}""", TestToken);
        await Eventually.AssertAsync(() => source.Current!.Version == 9, because: "the rewritten file is read");
        Assert.Equal("instance-2", source.Current!.Writer!.Id);
        lock (seen)
            Assert.Equal([7, 9], seen);
    }

    [Fact]
    public async Task ControlPlaneSourcePollsTheApiAndKeepsTheLastAnswerWhileItIsDown()
    {
        int port = FreePort.Next();
        var answer = TwoInstances;
        int requests = 0;
        var server = StartControlApi(port, () => { Interlocked.Increment(ref requests); return answer; });
        var log = new ListLogger();
        await using var source = PollingEndpointSource.ForControlPlane(new Uri($"http://127.0.0.1:{port}/"), log);
        source.Start();
        await source.WaitForFirstAsync(TestToken);
        Assert.Equal(7, source.Current!.Version);
        await Eventually.AssertAsync(() => Volatile.Read(ref requests) >= 5, because: "it polls every 100 ms");

        await server.StopAsync();
        int changes = 0;
        source.Changed += _ => Interlocked.Increment(ref changes);
        await Eventually.AssertAsync(() => log.Logged(EventIds.EndpointsUnavailable), because: "the failed poll is reported");
        Assert.Equal(7, source.Current!.Version);
        Assert.Equal(0, changes);

        answer = """{"version":8,"writer":null,"readers":[{"id":"instance-2","host":"127.0.0.1","port":3311}]}""";
        server = StartControlApi(port, () => answer);
        await Eventually.AssertAsync(() => source.Current!.Version == 8, because: "the control plane is back");
        Assert.Null(source.Current!.Writer);
        Assert.Equal(1, changes);
        Assert.True(log.Logged(EventIds.EndpointsAvailableAgain));
        await server.StopAsync();
    }

    [Fact]
    public async Task RefreshNowReadsAtOnceInsteadOfAtTheNextPoll()
    {
        int reads = 0;
        await using var source = new PollingEndpointSource("test", _ =>
        {
            long n = Interlocked.Increment(ref reads);
            return Task.FromResult<EndpointSnapshot?>(new EndpointSnapshot(n, null, []));
        }, NullLogger.Instance, TimeSpan.FromHours(1));
        source.Start();
        await source.WaitForFirstAsync(TestToken);
        Assert.Equal(1, source.Current!.Version);

        source.RefreshNow();
        await Eventually.AssertAsync(() => source.Current!.Version == 2, TimeSpan.FromSeconds(5));
    }

    /// <summary>A minimal control API: GET /v1/endpoints answers what <paramref name="answer"/> returns.</summary>
    static ControlApi StartControlApi(int port, Func<string> answer)
    {
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var loop = Task.Run(async () =>
        {
            while (true)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                var body = context.Request.Url?.AbsolutePath == "/v1/endpoints" ? Encoding.UTF8.GetBytes(answer()) : [];
                context.Response.StatusCode = body.Length == 0 ? 404 : 200;
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
        return new ControlApi(listener, loop);
    }

    sealed record ControlApi(HttpListener Listener, Task Loop)
    {
        public async Task StopAsync()
        {
            Listener.Stop();
            Listener.Close();
#pragma warning disable VSTHRD003 // The fake API's own loop.
            await Loop;
#pragma warning restore VSTHRD003
        }
    }
}
