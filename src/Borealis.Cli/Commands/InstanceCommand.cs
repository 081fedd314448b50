using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using Borealis.Hosting;

namespace Borealis.Cli.Commands;

/// <summary>
/// <c>borealis instance</c>: one database instance (the SQL engine and its MySQL endpoint) in this process.
/// Normally started by the supervisor of <c>up</c>; runs until SIGTERM or Ctrl-C.
/// </summary>
internal static class InstanceCommand
{
    /// <summary>Whether this build's instance takes <c>--role</c> (contract 1: readers and replication).</summary>
    public static bool SupportsRoles { get; } = Create().Options.Any(o => o.Name == "--role");

    public static Command Create()
    {
        var id = new Option<string>("--id") { Description = "Instance id (@@aurora_server_id).", DefaultValueFactory = _ => "writer-1" };
        var volume = new Option<string?>("--volume") { Description = "Directory of a local volume (development: no storage nodes).", HelpName = "DIR" };
        var storage = new Option<string?>("--storage")
        {
            Description = "The storage fleet's topology file (JSON: nodes with id, zone, host, port; see docs/operations/deploy.md): the volume lives on those storage nodes.",
            HelpName = "FILE",
        };
        var tls = new Option<string?>("--tls") { Description = "Directory of the TLS certificate (generated on first start). Without it, TLS is off.", HelpName = "DIR" };
        var port = CommonOptions.Port(3306, "MySQL endpoint port on 127.0.0.1 (0: any free port).");
        port.Validators.Clear();
        var cache = new Option<int>("--cache-mb") { Description = "Buffer cache size in MiB.", DefaultValueFactory = _ => 256 };
        var command = new Command("instance", "Run one database instance (used by 'up'; the admin password comes from $BOREALIS_PASSWORD).")
        {
            id, volume, storage, tls, port, cache,
            // Operator subcommands on a running cluster, through the control API.
            InstanceAddCommand.Create(), InstanceRemoveCommand.Create(),
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(volume) is null) == (result.GetValue(storage) is null))
                result.AddError("give exactly one of --volume DIR (a local volume) and --storage FILE (storage nodes)");
        });
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(id)!, parse.GetValue(volume), parse.GetValue(storage), parse.GetValue(tls), parse.GetValue(port), parse.GetValue(cache), cancellationToken));
        return command;
    }

    static async Task<int> RunAsync(string id, string? volume, string? storage, string? tls, int port, int cacheMb, CancellationToken cancellationToken)
    {
        var password = Environment.GetEnvironmentVariable("BOREALIS_PASSWORD");
        if (string.IsNullOrEmpty(password))
        {
            Output.Fail("BOREALIS_PASSWORD must hold the administrator password");
            return Supervisor.ConfigurationExitCode;
        }

        using var loggerFactory = Logging.Create();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });

        InstanceHost host;
        try
        {
            host = await InstanceHost.StartAsync(new InstanceOptions
            {
                Id = id,
                VolumeDirectory = volume is null ? null : Path.GetFullPath(volume),
                StorageTopologyFile = storage is null ? null : Path.GetFullPath(storage),
                TlsDirectory = tls is null ? null : Path.GetFullPath(tls),
                EndPoint = new IPEndPoint(IPAddress.Loopback, port),
                AdminPassword = password,
                CacheBytes = (long)cacheMb * 1024 * 1024,
            }, loggerFactory, stop.Token);
        }
        catch (HostingException ex)
        {
            Output.Fail(ex.Message);
            return Supervisor.ConfigurationExitCode;
        }

        Console.WriteLine($"ready: {id} listening on 127.0.0.1:{host.Port}");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await host.DisposeAsync();
        return 0;
    }
}
