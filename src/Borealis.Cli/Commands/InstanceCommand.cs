using System.CommandLine;
using System.Net;
using Borealis.Control;
using Borealis.Hosting;

namespace Borealis.Cli.Commands;

/// <summary>
/// <c>borealis instance</c>: one database instance (the SQL engine and its MySQL endpoint) in this process.
/// Normally started by the supervisor of <c>up</c>; runs until SIGTERM or Ctrl-C.
/// </summary>
internal static class InstanceCommand
{
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
        var role = new Option<string>("--role")
        {
            Description = "writer: the volume's only writer (opening the volume fences any previous writer); reader: a read replica following the writer's redo stream on the same volume.",
            DefaultValueFactory = _ => "writer",
        };
        role.AcceptOnlyFromAmong("writer", "reader");
        var tier = new Option<int>("--tier") { Description = "Promotion tier 0-15 (0 is promoted first at failover).", DefaultValueFactory = _ => 1, HelpName = "N" };
        tier.Validators.Add(result =>
        {
            if (result.GetValue(tier) is < 0 or > 15)
                result.AddError("--tier must be between 0 and 15");
        });
        var replicationPort = new Option<int?>("--replication-port")
        {
            Description = "Writer: 127.0.0.1 port on which readers subscribe to its redo stream (0: any free port). Without it, the writer serves no readers.",
            HelpName = "PORT",
        };
        var follow = new Option<string?>("--follow")
        {
            Description = "Reader: the cluster file (DIR/cluster.json) naming the current writer and its replication port.",
            HelpName = "FILE",
        };
        var volumeService = new Option<int?>("--volume-service")
        {
            Description = "Multi-master writer: the 127.0.0.1 port of the cluster's volume service (borealis volume-service); instead of --volume and --storage.",
            HelpName = "PORT",
        };
        var statusPort = new Option<int?>("--status-port")
        {
            Description = "127.0.0.1 port of the status endpoint (GET /v1/status: counters, replica lag; see docs/api.md; 0: any free port). Without it, none.",
            HelpName = "PORT",
        };
        statusPort.Validators.Add(result =>
        {
            if (result.GetValue(statusPort) is < 0 or > 65535)
                result.AddError("--status-port must be between 0 and 65535");
        });
        var command = new Command("instance", "Run one database instance (used by 'up'; the admin password comes from $BOREALIS_PASSWORD).")
        {
            id, volume, storage, tls, port, cache, role, tier, replicationPort, follow, statusPort, volumeService,
            // Operator subcommands on a running cluster, through the control API.
            InstanceAddCommand.Create(), InstanceRemoveCommand.Create(),
        };
        command.Validators.Add(result =>
        {
            int sources = (result.GetValue(volume) is null ? 0 : 1) + (result.GetValue(storage) is null ? 0 : 1) + (result.GetValue(volumeService) is null ? 0 : 1);
            if (sources != 1)
                result.AddError("give exactly one of --volume DIR (a local volume), --storage FILE (storage nodes) and --volume-service PORT (a multi-master writer)");
            if (result.GetValue(volumeService) is not null && (result.GetValue(role) == "reader" || result.GetValue(replicationPort) is not null))
                result.AddError("a multi-master writer (--volume-service) has no readers: no --role reader, no --replication-port");
            if (result.GetValue(role) == "reader")
            {
                if (result.GetValue(storage) is null)
                    result.AddError("a reader needs --storage FILE: readers share the writer's volume on the storage nodes");
                if (result.GetValue(follow) is null)
                    result.AddError("a reader needs --follow FILE (the cluster file naming its writer)");
                if (result.GetValue(replicationPort) is not null)
                    result.AddError("--replication-port is for a writer");
            }
            else if (result.GetValue(follow) is not null)
            {
                result.AddError("--follow is for a reader (--role reader)");
            }
        });
        command.SetAction((parse, cancellationToken) => RunAsync(new InstanceOptions
        {
            Id = parse.GetValue(id)!,
            VolumeDirectory = parse.GetValue(volume) is { } v ? Path.GetFullPath(v) : null,
            StorageTopologyFile = parse.GetValue(storage) is { } s ? Path.GetFullPath(s) : null,
            TlsDirectory = parse.GetValue(tls) is { } t ? Path.GetFullPath(t) : null,
            EndPoint = new IPEndPoint(IPAddress.Loopback, parse.GetValue(port)),
            AdminPassword = "",
            CacheBytes = (long)parse.GetValue(cache) * 1024 * 1024,
            Role = parse.GetValue(role) == "reader" ? InstanceRole.Reader : InstanceRole.Writer,
            Tier = parse.GetValue(tier),
            ReplicationPort = parse.GetValue(replicationPort),
            FollowFile = parse.GetValue(follow) is { } f ? Path.GetFullPath(f) : null,
            StatusPort = parse.GetValue(statusPort),
            VolumeService = parse.GetValue(volumeService) is int service ? new IPEndPoint(IPAddress.Loopback, service) : null,
        }, cancellationToken));
        return command;
    }

    /// <summary>Exit code of a reader that lost its writer's stream: the supervisor restarts it on the current writer.</summary>
    public const int LostWriterExitCode = 3;

    /// <summary>The thread pool's setting for how long an idle worker spins before it sleeps (the runtime's default: 70).</summary>
    const string SpinLimitSetting = "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit";

    /// <summary>The spin limit of an instance on the quorum volume.</summary>
    const int QuorumSpinLimit = 10;

    static async Task<int> RunAsync(InstanceOptions options, CancellationToken cancellationToken)
    {
        // On the quorum volume, idle pool workers spin briefly. A commit waits about half a millisecond for 4 of 6
        // nodes, and workers spinning through that wait take the CPU that the node processes and their answers need
        // when they share the machine (the default local cluster). Measured on 2 cores, oltp_insert on 6 local nodes,
        // limit 5 or 15 against the default 70 (docs/benchmarks.md): 16 clients +18-30 % TPS with 20-25 % less CPU
        // per commit; 1 client the same or lower latency. On a local volume the default stays: there, less spinning
        // cost write_only 7-22 %. Read at the thread pool's first use, which is after this; the environment variable
        // DOTNET_ThreadPool_UnfairSemaphoreSpinLimit, when set, wins.
        if (options.StorageTopologyFile is not null)
            AppContext.SetData(SpinLimitSetting, QuorumSpinLimit);
        string id = options.Id;
        var password = Environment.GetEnvironmentVariable("BOREALIS_PASSWORD");
        if (string.IsNullOrEmpty(password))
        {
            Output.Fail("BOREALIS_PASSWORD must hold the administrator password");
            return Supervisor.ConfigurationExitCode;
        }

        using var loggerFactory = Logging.Create();
        using var lifetime = ProcessLifetime.ForCurrentProcess(loggerFactory.CreateLogger("Borealis.Instance"), cancellationToken);

        InstanceHost host;
        try
        {
            host = await InstanceHost.StartAsync(options with { AdminPassword = password }, loggerFactory, lifetime.Token);
        }
        catch (HostingException ex)
        {
            Output.Fail(ex.Message);
            return Supervisor.ConfigurationExitCode;
        }

        Console.WriteLine($"ready: {id} ({options.Role.ToString().ToLowerInvariant()}) listening on 127.0.0.1:{host.Port}"
            + (host.ReplicationPort > 0 ? $", redo stream on 127.0.0.1:{host.ReplicationPort}" : "")
            + (host.StatusPort > 0 ? $", status on http://127.0.0.1:{host.StatusPort}/v1/status" : ""));
        var stopped = Task.Delay(Timeout.Infinite, lifetime.Token);
        var first = await Task.WhenAny(stopped, host.Lost);
        await host.DisposeAsync();
        if (first != stopped)
        {
            string lost = options.VolumeService is null ? "the writer's redo stream" : "the volume service";
            await Console.Error.WriteLineAsync($"{id}: lost {lost} ({first.Exception?.InnerException?.Message ?? "closed"}); exiting to be restarted");
            return LostWriterExitCode;
        }
        return 0;
    }
}
