using System.CommandLine;
using System.Net;
using System.Text.Json;
using Borealis.Hosting;
using Borealis.Router;

namespace Borealis.Cli.Commands;

/// <summary>
/// <c>borealis router</c>: the cluster (writer) endpoint on <c>--port</c> and the reader endpoint on
/// <c>--reader-port</c> (default <c>--port</c> + 1), both on 127.0.0.1, routing connections to the instances named by
/// the control plane (<c>--control URL</c>) or an endpoints file. Runs until SIGTERM or Ctrl-C.
/// See docs/operations/router.md.
/// </summary>
internal static class RouterCommand
{
    static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create()
    {
        var control = new Option<string?>("--control")
        {
            Description = "The control plane's base URL (e.g. http://127.0.0.1:3308); GET {URL}/v1/endpoints is polled every 100 ms.",
            HelpName = "URL",
        };
        var file = new Option<string?>("--endpoints-file")
        {
            Description = "A file with the same JSON as the control API's /v1/endpoints, read again when it changes (replace it atomically).",
            HelpName = "FILE",
        };
        var port = CommonOptions.Port(3306, "Cluster (writer) endpoint port on 127.0.0.1.");
        var readerPort = new Option<int?>("--reader-port") { Description = "Reader endpoint port on 127.0.0.1 (default: --port + 1).", HelpName = "PORT" };
        var wait = new Option<double>("--wait-seconds")
        {
            Description = "How long a new connection waits for an instance (no writer during a failover) before it is closed.",
            DefaultValueFactory = _ => 5,
            HelpName = "S",
        };
        var maxConnections = new Option<int>("--max-connections")
        {
            Description = "Connections (both endpoints) beyond which new ones are closed at once.",
            DefaultValueFactory = _ => 4096,
            HelpName = "N",
        };
        var output = CommonOptions.Output();
        var command = new Command("router", "Run the cluster endpoint (always the writer) and the reader endpoint (readers in turn; the writer when there are none).")
        {
            control, file, port, readerPort, wait, maxConnections, output,
        };
        command.Validators.Add(result =>
        {
            var url = result.GetValue(control);
            if ((url is null) == (result.GetValue(file) is null))
                result.AddError("give exactly one of --control URL (the control plane) and --endpoints-file FILE");
            else if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                result.AddError($"--control must be an http:// or https:// URL (got '{url}')");
        });
        command.SetAction((parse, cancellationToken) =>
        {
            int p = parse.GetValue(port);
            if (Validate(p, parse.GetValue(readerPort), parse.GetValue(wait), parse.GetValue(maxConnections)) is { } problem)
            {
                Output.Fail(problem);
                return Task.FromResult(Supervisor.ConfigurationExitCode);
            }
            var options = new RouterOptions
            {
                ClusterEndPoint = new IPEndPoint(IPAddress.Loopback, p),
                ReaderEndPoint = new IPEndPoint(IPAddress.Loopback, parse.GetValue(readerPort) ?? p + 1),
                BackendWait = TimeSpan.FromSeconds(parse.GetValue(wait)),
                MaxConnections = parse.GetValue(maxConnections),
            };
            return RunAsync(options, parse.GetValue(control), parse.GetValue(file), parse.GetValue(output)!, cancellationToken);
        });
        return command;
    }

    /// <summary>The first problem with the numbers, worded for the operator; null when they are usable.</summary>
    static string? Validate(int port, int? readerPort, double waitSeconds, int maxConnections) =>
        readerPort is { } r && (r is < 1 or > 65535 || r == port) ? $"--reader-port must be between 1 and 65535 and differ from --port (got {r})"
        : readerPort is null && port == 65535 ? "--port 65535 leaves no port for the reader endpoint; give --reader-port"
        : waitSeconds is < 0 or > 3600 or double.NaN ? $"--wait-seconds must be between 0 and 3600 (got {waitSeconds})"
        : maxConnections < 1 ? $"--max-connections must be at least 1 (got {maxConnections})"
        : null;

    static async Task<int> RunAsync(RouterOptions options, string? control, string? file, string output, CancellationToken cancellationToken)
    {
        if (file is not null && !File.Exists(file))
        {
            Output.Fail($"the endpoints file {file} does not exist");
            return Supervisor.ConfigurationExitCode;
        }

        using var loggerFactory = Logging.Create();
        var logger = loggerFactory.CreateLogger("Borealis.Router");
        using var lifetime = ProcessLifetime.ForCurrentProcess(logger, cancellationToken);

        await using var source = control is not null
            ? PollingEndpointSource.ForControlPlane(new Uri(control), logger)
            : PollingEndpointSource.ForFile(Path.GetFullPath(file!), logger);
        await using var router = new Router.Router(options, source, logger);
        try
        {
            router.Start();
        }
        catch (IOException ex)
        {
            Output.Fail(ex.Message);
            return Supervisor.ConfigurationExitCode;
        }
        source.Start();

        if (output == "json")
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                Status = "ready",
                Cluster = $"127.0.0.1:{router.ClusterPort}",
                Reader = $"127.0.0.1:{router.ReaderPort}",
                Endpoints = source.Origin,
            }, s_json));
        }
        else
        {
            Console.WriteLine($"ready: router cluster endpoint 127.0.0.1:{router.ClusterPort}, reader endpoint 127.0.0.1:{router.ReaderPort} (endpoints from {source.Origin})");
        }
        try
        {
            await Task.Delay(Timeout.Infinite, lifetime.Token);
        }
        catch (OperationCanceledException)
        {
        }
        return 0;
    }
}
