using System.Net;
using Borealis.Control;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Borealis.Hosting;

/// <summary>
/// An instance's status endpoint (docs/api.md, "Instance status endpoint"): <c>GET /v1/status</c> on 127.0.0.1
/// answers the <see cref="InstanceStatus"/> of the moment as JSON (snake_case, as the control API). Kestrel, as the
/// control API: the supervisor's probe reads it a few times a second, benchmarks read a reader's lag from it.
/// </summary>
public sealed class InstanceStatusServer : IAsyncDisposable
{
    readonly WebApplication _app;

    InstanceStatusServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/> (0: any free port).</summary>
    /// <exception cref="IOException">The port is taken.</exception>
    public static async Task<InstanceStatusServer> StartAsync(int port, Func<InstanceStatus> status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapGet("/v1/status", () => Results.Json(status(), ControlApi.Json));
        app.MapFallback((HttpRequest request) =>
            Results.Json(new { Error = $"no such endpoint: {request.Method} {request.Path}" }, ControlApi.Json, statusCode: 404));
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new InstanceStatusServer(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
