using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Borealis.Control;

/// <summary>
/// The control API (docs/api.md): HTTP/JSON on 127.0.0.1, ASP.NET Core minimal APIs over a <see cref="ControlPlane"/>.
/// Errors are <c>{"error":"..."}</c> with the status code of the <see cref="ControlException"/> (500 for a fault).
/// </summary>
public sealed class ControlApi : IAsyncDisposable
{
    /// <summary>snake_case names, enums as lower-case strings, nulls written (the router reads <c>"writer": null</c>).</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Messages quote ids ('instance-9'): readable as is; the API is JSON for programs, never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    readonly WebApplication _app;

    ControlApi(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The port the API listens on (127.0.0.1).</summary>
    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/> (0: any free port).</summary>
    /// <exception cref="IOException">The port is taken.</exception>
    public static async Task<ControlApi> StartAsync(ControlPlane control, int port, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        Map(app, control, new ControlMetrics(control), loggerFactory.CreateLogger("Borealis.Control.Api"));
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var api = new ControlApi(app, new Uri(address).Port);
        Log.ApiListening(loggerFactory.CreateLogger("Borealis.Control.Api"), api.Url);
        return api;
    }

    static void Map(WebApplication app, ControlPlane control, ControlMetrics metrics, ILogger logger)
    {
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (ControlException ex) when (!context.Response.HasStarted)
            {
                await Error(ex.StatusCode, ex.Message).ExecuteAsync(context);
            }
#pragma warning disable CA1031 // the API boundary: a fault becomes a 500 with a message, and is logged
            catch (Exception ex) when (!context.Response.HasStarted && ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                Log.ApiFault(logger, ex, context.Request.Method, context.Request.Path);
                await Error(500, "internal error: " + ex.Message).ExecuteAsync(context);
            }
        });

        app.MapGet("/v1/endpoints", () => Results.Json(control.Endpoints(), Json));
        app.MapGet("/v1/cluster", () => Results.Json(control.Cluster(), Json));
        app.MapPost("/v1/instances", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await ReadBodyAsync(request, cancellationToken);
            var role = InstanceRole.Reader;
            int tier = InstanceSpec.DefaultTier;
            if (body is { } b)
            {
                if (b.TryGetProperty("role", out var r))
                {
                    role = r.ValueKind == JsonValueKind.String ? r.GetString() switch
                    {
                        "reader" => InstanceRole.Reader,
                        "writer" => InstanceRole.Writer,
                        var other => throw ControlException.BadRequest($"role must be \"reader\" (got \"{other}\")"),
                    } : throw ControlException.BadRequest("role must be a string");
                }
                if (b.TryGetProperty("tier", out var t))
                {
                    if (t.ValueKind != JsonValueKind.Number || !t.TryGetInt32(out tier))
                        throw ControlException.BadRequest("tier must be an integer between 0 and 15");
                }
            }
            var spec = await control.AddInstanceAsync(role, tier, cancellationToken);
            return Results.Json(new { spec.Id, spec.Role, spec.Tier, Host = control.Options.Host, spec.Port }, Json, statusCode: 201);
        });
        app.MapDelete("/v1/instances/{id}", async (string id, CancellationToken cancellationToken) =>
        {
            await control.RemoveInstanceAsync(id, cancellationToken);
            return Results.Json(new { Removed = id }, Json);
        });
        app.MapPost("/v1/failover", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var body = await ReadBodyAsync(request, cancellationToken);
            string? target = null;
            if (body is { } b && b.TryGetProperty("target", out var t) && t.ValueKind != JsonValueKind.Null)
                target = t.ValueKind == JsonValueKind.String ? t.GetString() : throw ControlException.BadRequest("target must be an instance id (a string)");
            return Results.Json(await control.FailoverAsync(target, cancellationToken), Json);
        });
        app.MapGet("/metrics", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.WriteAsync(context.Response.Body, context.RequestAborted);
        });
        app.MapFallback((HttpRequest request) => Error(404, $"no such endpoint: {request.Method} {request.Path}"));
    }

    static IResult Error(int statusCode, string message) => Results.Json(new { Error = message }, Json, statusCode: statusCode);

    /// <summary>The request's JSON object; null for an empty body.</summary>
    static async Task<JsonElement?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw ControlException.BadRequest("the request body must be a JSON object");
        }
        catch (JsonException ex)
        {
            throw ControlException.BadRequest("the request body is not valid JSON: " + ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
