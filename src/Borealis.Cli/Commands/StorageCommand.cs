using System.CommandLine;
using System.Globalization;
using System.Net;
using Borealis.Hosting;
using Borealis.Storage;
using Borealis.Storage.Protocol;
using Borealis.Storage.Transport;

namespace Borealis.Cli.Commands;

/// <summary>
/// <c>borealis storage</c>: one storage node (its segments of the volume, docs/storage-protocol.md on TCP) in this
/// process. Normally started by the supervisor of <c>up</c>; runs until SIGTERM or Ctrl-C. The port is opened only
/// once the node has recovered its data, so "listening" means "ready". Its subcommand <c>storage replace</c>
/// (<see cref="StorageReplaceCommand"/>) is an operator command on a running local cluster.
/// </summary>
internal static class StorageCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The node's data directory (created if missing).", Required = true, HelpName = "DIR" };
        var nodeId = new Option<int>("--node-id") { Description = "The node's id in the storage fleet (1, 2, ...); fixed for the life of its data.", Required = true, HelpName = "N" };
        var zone = new Option<string>("--zone") { Description = "The node's availability zone (a, b, c, ...).", Required = true, HelpName = "Z" };
        var port = new Option<int>("--port") { Description = "TCP port of the storage protocol (0: any free port; the port is printed).", DefaultValueFactory = _ => 0, HelpName = "PORT" };
        var bind = new Option<string>("--bind") { Description = "Address to listen on.", DefaultValueFactory = _ => "127.0.0.1", HelpName = "ADDR" };
        var checkpoint = new Option<int>("--checkpoint-mb")
        {
            Description = "Log a segment keeps before it is folded into the segment's page images (a checkpoint). Larger: fewer checkpoints, longer logs.",
            DefaultValueFactory = _ => (int)(StorageNodeOptions.DefaultCheckpointBytes >> 20),
            HelpName = "MB",
        };
        var command = new Command("storage", "Run one storage node: it keeps its segments of the volume under --data and serves them on --port.")
        {
            data, nodeId, zone, port, bind, checkpoint,
            StorageReplaceCommand.Create(),
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(data)!, parse.GetValue(nodeId), parse.GetValue(zone)!, parse.GetValue(port), parse.GetValue(bind)!,
            parse.GetValue(checkpoint), cancellationToken));
        return command;
    }

    /// <summary>The first configuration error, worded for the operator; null when the options are usable.</summary>
    static string? Validate(int nodeId, string zone, int port, string bind, int checkpointMb) =>
        checkpointMb is < 1 or > 1024 ? $"--checkpoint-mb must be between 1 and 1024 (got {checkpointMb})"
        : nodeId < 1 ? $"--node-id must be at least 1 (got {nodeId})"
        : string.IsNullOrWhiteSpace(zone) ? "--zone must not be empty"
        : port is < 0 or > 65535 ? $"--port must be between 0 and 65535 (got {port})"
        : !IPAddress.TryParse(bind, out _) ? $"--bind must be an IP address (got '{bind}')"
        : null;

    static async Task<int> RunAsync(string data, int nodeId, string zone, int port, string bindAddress, int checkpointMb, CancellationToken cancellationToken)
    {
        if (Validate(nodeId, zone, port, bindAddress, checkpointMb) is { } problem)
        {
            Output.Fail(problem);
            return Supervisor.ConfigurationExitCode;
        }
        var bind = IPAddress.Parse(bindAddress);
        // Socket completions run on the event thread instead of hopping to the thread pool (accepts and the
        // connections to peers; the server's connections use blocking sockets on their own threads). Nothing blocks
        // there. Read by the runtime at the first socket operation, which is below.
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        using var loggerFactory = Logging.Create();
        var logger = loggerFactory.CreateLogger("Borealis.Storage");
        using var lifetime = ProcessLifetime.ForCurrentProcess(logger, cancellationToken);

        var directory = Path.GetFullPath(data);
        StorageNodeRunner runner;
        StorageServer server;
        try
        {
            Directory.CreateDirectory(directory);
            var options = new StorageNodeOptions { Id = new NodeId(nodeId), Zone = zone, Logger = logger, CheckpointBytes = (long)checkpointMb << 20 };
            runner = new StorageNodeRunner(options, new FileStorageDisk(directory),
                onResponse => new TcpStorageTransport(onResponse, logger: logger));
            server = new StorageServer(new IPEndPoint(bind, port), runner, logger);
        }
        catch (Exception ex) when (ex is StorageException or IOException or UnauthorizedAccessException)
        {
            Output.Fail(ex.Message);
            return Supervisor.ConfigurationExitCode;
        }

        try
        {
            runner.Start(server);
            server.Start();
        }
        catch (Exception ex) when (ex is StorageException or IOException or UnauthorizedAccessException)
        {
            Output.Fail(ex.Message);
            await server.DisposeAsync();
            await runner.DisposeAsync();
            return Supervisor.ConfigurationExitCode;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready: storage node {nodeId} (zone {zone}) listening on {bind}:{server.Port}"));
        try
        {
            await Task.WhenAny(Task.Delay(Timeout.Infinite, lifetime.Token), runner.Completion);
        }
        catch (OperationCanceledException)
        {
        }
        await server.DisposeAsync();
        await runner.DisposeAsync();
        if (runner.State == StorageNodeRunnerState.Failed)
        {
            Output.Fail($"storage node {nodeId} failed: {runner.Failure?.Message}");
            return 1;
        }
        return 0;
    }
}
