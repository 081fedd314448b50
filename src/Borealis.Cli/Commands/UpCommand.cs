using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Borealis.Hosting;

namespace Borealis.Cli.Commands;

/// <summary>
/// <c>borealis up</c>: starts the local cluster (the embedded default) and prints how to connect. <c>borealis control</c>
/// is the same process under its role name, in the foreground: in a local cluster the supervisor is the control
/// plane (it owns the processes) and serves the control API.
/// </summary>
internal static class UpCommand
{
    static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    /// <summary><c>borealis control</c>: the supervisor and control plane in the foreground (no <c>--detach</c>).</summary>
    public static Command CreateControl() => Create("control", """
        Run the control plane of a local cluster in the foreground: it supervises the storage nodes and instances of
        --data, probes their health, fails over to a reader when the writer dies, and serves the control API
        (docs/api.md). The same process as 'up' without --detach.
        """);

    public static Command Create() => Create("up", "Start a local Borealis cluster (6 storage nodes in zones a, b, c, a writer instance and a reader), or reopen the one in --data.");

    static Command Create(string name, string description)
    {
        var data = CommonOptions.Data();
        var port = CommonOptions.Port(3306, "MySQL endpoint port on 127.0.0.1.");
        var password = new Option<string?>("--password")
        {
            Description = "Password of the administrator user 'admin' (default: $BOREALIS_PASSWORD, else the one kept in DIR, else a generated one).",
            HelpName = "PW",
        };
        var detach = new Option<bool>("--detach", "-d")
        {
            Description = "Start in the background and return once the endpoint accepts connections and the readers are in the reader endpoint (at most 20 s for them).",
        };
        var storageNodes = new Option<int>("--storage-nodes")
        {
            Description = "Storage nodes of a new cluster (at least 6: 6 copies of every segment, 2 per zone). 0: no storage nodes, a local volume on the instance's disk (development). An existing cluster keeps its fleet.",
            DefaultValueFactory = _ => DefaultStorageNodes,
            HelpName = "N",
        };
        var zones = new Option<int>("--zones")
        {
            Description = "Availability zones the storage nodes are spread over (at least 3).",
            DefaultValueFactory = _ => DefaultZones,
            HelpName = "N",
        };
        var readers = new Option<int?>("--readers")
        {
            Description = "Reader instances of a new cluster, 0–15 (default 1; 0 with --storage-nodes 0: readers need quorum storage). An existing cluster keeps its instances (DIR/topology.json).",
            HelpName = "N",
        };
        var writers = new Option<int>("--writers")
        {
            Description = "Writers of a new cluster: 1, or 2-4 for multi-master (every writer reads and writes one shared volume; no readers, no failover: a crashed writer is restarted while the others serve). An existing cluster keeps its instances.",
            DefaultValueFactory = _ => 1,
            HelpName = "N",
        };
        var controlPort = new Option<int?>("--control-port")
        {
            Description = "Port of the control API on 127.0.0.1 (default: --port + 2).",
            HelpName = "PORT",
        };
        var command = new Command(name, description)
        {
            data, port, password, storageNodes, zones, readers, writers, controlPort,
        };
        if (name == "up")
            command.Options.Add(detach);
        command.Validators.Add(result =>
        {
            int nodes = ValueInValidator(result, storageNodes, DefaultStorageNodes);
            if (result.GetValue(readers) is { } n)
            {
                if (n is < 0 or > 15)
                    result.AddError($"--readers must be between 0 and 15 (got {n}).");
                else if (n > 0 && nodes == 0)
                    result.AddError("readers need quorum storage: --readers cannot be used with --storage-nodes 0 (a local volume)");
            }
            int w = ValueInValidator(result, writers, 1);
            if (w is < 1 or > 4)
                result.AddError($"--writers must be between 1 and 4 (got {w}).");
            else if (w > 1 && nodes == 0)
                result.AddError("multi-master needs quorum storage: --writers cannot be used with --storage-nodes 0 (a local volume)");
            else if (w > 1 && result.GetValue(readers) is > 0)
                result.AddError("a multi-master cluster has no readers (as in Aurora): give --writers or --readers, not both");
            if (result.GetValue(controlPort) is { } cp && cp is < 0 or > 65535)
                result.AddError($"--control-port must be between 0 and 65535 (got {cp}).");
            if (nodes == 0)
                return;
            try
            {
                StorageTopology.Validate(nodes, ValueInValidator(result, zones, DefaultZones));
            }
            catch (HostingException ex)
            {
                result.AddError(ex.Message);
            }
        });
        command.SetAction((parse, cancellationToken) =>
        {
            int nodes = parse.GetValue(storageNodes);
            int p = parse.GetValue(port);
            int w = parse.GetValue(writers);
            return RunAsync(
                parse.GetValue(data)!, p, parse.GetValue(password), name == "up" && parse.GetValue(detach),
                nodes, parse.GetValue(zones), parse.GetValue(readers) ?? (w > 1 ? 0 : DefaultReaders(nodes)), w, parse.GetValue(controlPort) ?? Math.Min(p + 2, 65535), cancellationToken);
        });
        return command;
    }

    const int DefaultStorageNodes = 6;
    const int DefaultZones = 3;

    /// <summary>
    /// An option's value in a command validator. There <c>CommandResult.GetValue</c> gives <c>default(T)</c>, not the
    /// option's default, for an option absent from the command line (so <c>up --readers 2</c> was refused as if it
    /// said <c>--storage-nodes 0</c>).
    /// </summary>
    static T ValueInValidator<T>(System.CommandLine.Parsing.CommandResult result, Option<T> option, T absent) =>
        result.GetResult(option) is null ? absent : result.GetValue(option)!;

    /// <summary>
    /// One reader with quorum storage, once <c>borealis instance</c> runs readers (contract 1: <c>--role</c>);
    /// until then none, so that a new cluster does not start a reader that cannot run.
    /// </summary>
    static int DefaultReaders(int storageNodes) => storageNodes > 0 ? 1 : 0;

    static async Task<int> RunAsync(string dataPath, int port, string? password, bool detach, int storageNodes, int zones, int readers, int writers, int controlPort, CancellationToken cancellationToken)
    {
        var data = new DataDirectory(dataPath);
        string resolved;
        bool generated;
        try
        {
            data.EnsureUsable();
            var existing = ClusterState.TryRead(data.StateFile);
            if (existing is not null && ProcessControl.IsAlive(existing.SupervisorPid) && existing.SupervisorPid != Environment.ProcessId)
                return Output.Fail($"a cluster is already running on '{data.Root}' (pid {existing.SupervisorPid}, port {existing.Port}); stop it with ./borealis down --data {dataPath}");
            if (!PortProbe.IsFree(port))
                return Output.Fail($"port {port} on 127.0.0.1 is already in use; choose another with --port");
            if (controlPort != 0 && !PortProbe.IsFree(controlPort))
                return Output.Fail($"port {controlPort} on 127.0.0.1 (the control API) is already in use; choose another with --control-port");
            (resolved, generated) = data.ResolvePassword(password ?? Environment.GetEnvironmentVariable("BOREALIS_PASSWORD"));
        }
        catch (HostingException ex)
        {
            return Output.Fail(ex.Message);
        }

        var options = new SupervisorOptions(data, port, resolved, storageNodes, zones)
        {
            Readers = readers,
            Writers = writers,
            ControlPort = controlPort,
        };
        return detach
            ? await StartDetachedAsync(options, generated, cancellationToken)
            : await RunForegroundAsync(options, generated, cancellationToken);
    }

    static async Task<int> RunForegroundAsync(SupervisorOptions options, bool generated, CancellationToken cancellationToken)
    {
        var (data, port, password) = (options.Data, options.Port, options.Password);
        using var loggerFactory = Logging.Create();
        var supervisor = new Supervisor(options, loggerFactory);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });

        var run = Task.Run(async () =>
        {
            try
            {
                return await supervisor.RunAsync(stop.Token);
            }
            catch (HostingException ex)
            {
                return Output.Fail(ex.Message);
            }
        }, CancellationToken.None);
        var ready = await WaitForReadyAsync(data, Environment.ProcessId, () => run.IsCompleted, stop.Token);
        if (ready)
        {
            await WaitForReadersAsync(data, stop.Token);
            PrintBanner(data, port, password, generated, detached: false);
        }
        int code = await run;
        if (ready && code == 0)
            Console.WriteLine("Borealis stopped.");
        else if (!ready && code != 0)
            await Console.Error.WriteLineAsync($"error: the database did not start; see the logs in {data.LogDirectory}");
        return code;
    }

    static async Task<int> StartDetachedAsync(SupervisorOptions options, bool generated, CancellationToken cancellationToken)
    {
        var (data, port, password) = (options.Data, options.Port, options.Password);
        string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var exe = Environment.ProcessPath ?? throw new InvalidOperationException("unknown executable path");
        var log = Path.Combine(data.LogDirectory, "supervisor.log");
        // setsid: the supervisor gets its own session, so the terminal's Ctrl-C or hang-up does not reach it.
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var a in new[] { "/bin/sh", "-c", "exec \"$0\" \"$@\" >>\"$BOREALIS_LOG\" 2>&1 </dev/null", exe, "up", "--data", data.Root, "--port", Invariant(port), "--storage-nodes", Invariant(options.StorageNodes), "--zones", Invariant(options.Zones), "--readers", Invariant(options.Readers), "--writers", Invariant(options.Writers), "--control-port", Invariant(options.ControlPort) })
            start.ArgumentList.Add(a);
        start.Environment["BOREALIS_PASSWORD"] = password;
        start.Environment["BOREALIS_LOG"] = log;
        using var child = Process.Start(start);
        if (child is null)
            return Output.Fail("could not start the supervisor");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_startTimeout);
        bool ready;
        try
        {
            ready = await WaitForReadyAsync(data, child.Id, () => child.HasExited, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            ready = false;
        }
        if (!ready)
        {
            string tail = File.Exists(log) ? string.Join(Environment.NewLine, (await File.ReadAllLinesAsync(log, CancellationToken.None)).TakeLast(5)) : "";
            return Output.Fail($"the cluster did not start within {s_startTimeout.TotalSeconds:0} s; see {log}{(tail.Length > 0 ? Environment.NewLine + tail : "")}");
        }
        await WaitForReadersAsync(data, cancellationToken);
        PrintBanner(data, port, password, generated, detached: true);
        return 0;
    }

    static readonly TimeSpan s_readersTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Polls cluster.json until, under supervisor <paramref name="supervisorPid"/>, the control API listens and the
    /// storage nodes and the writer run (readers may still be starting: they are not needed to serve).
    /// </summary>
    static async Task<bool> WaitForReadyAsync(DataDirectory data, int supervisorPid, Func<bool> failed, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!cancellationToken.IsCancellationRequested)
        {
            var state = ClusterState.TryRead(data.StateFile);
            var needed = state?.Processes.Where(p => p.Role != "reader").ToList() ?? [];
            if (state is not null && state.SupervisorPid == supervisorPid && state.ControlPort > 0
                && needed.Any(p => p.Role == "writer") && needed.All(p => p.State == ProcessStatus.Running))
                return true;
            bool childFailed = state is not null && state.SupervisorPid == supervisorPid && needed.Any(p => p.State == ProcessStatus.Failed);
            if (failed() || childFailed)
                return false;
            try
            {
                await Task.Delay(clock.Elapsed < TimeSpan.FromSeconds(2) ? 20 : 100, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>
    /// Waits (at most <see cref="s_readersTimeout"/>) until the control plane's endpoints list every reader (and every
    /// writer of a multi-master cluster), so that the reader endpoint leads to a reader, not to the writer, and the
    /// cluster endpoint balances over all writers, once <c>up</c> returns. The
    /// cluster serves without them: a reader that is late is reported, not an error.
    /// </summary>
    static async Task WaitForReadersAsync(DataDirectory data, CancellationToken cancellationToken)
    {
        if (ClusterState.TryRead(data.StateFile) is not { ControlPort: > 0 } state)
            return;
        int readers = state.Processes.Count(p => p.Role == "reader");
        int writers = state.Processes.Count(p => p.Role == "writer");
        if (readers == 0 && writers <= 1)
            return;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var url = new Uri($"http://{state.Host}:{state.ControlPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}/v1/endpoints");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < s_readersTimeout && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var json = JsonDocument.Parse(await http.GetStringAsync(url, cancellationToken));
                if (json.RootElement.GetProperty("readers").GetArrayLength() >= readers && json.RootElement.GetProperty("writers").GetArrayLength() >= writers)
                {
                    // The router polls the endpoints every 100 ms: give it one poll.
                    await Task.Delay(TimeSpan.FromMilliseconds(150), cancellationToken);
                    return;
                }
            }
            catch (Exception ex) when ((ex is HttpRequestException or JsonException or KeyNotFoundException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
            {
            }
            try
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        if (!cancellationToken.IsCancellationRequested)
            await Console.Error.WriteLineAsync($"note: not every reader is healthy yet after {s_readersTimeout.TotalSeconds:0} s; until one is, the reader endpoint leads to the writer ({data.LogDirectory})");
    }

    static void PrintBanner(DataDirectory data, int port, string password, bool generated, bool detached)
    {
        var cluster = ClusterState.TryRead(data.StateFile);
        bool multiMaster = cluster?.Processes.Count(p => p.Role == "writer") > 1;
        Console.WriteLine(multiMaster ? "Borealis is running (multi-master)." : "Borealis is running.");
        Console.WriteLine(multiMaster
            ? $"  endpoint:  127.0.0.1:{port}  (MySQL protocol; cluster endpoint: the writers, each new connection to the next)"
            : $"  endpoint:  127.0.0.1:{port}  (MySQL protocol; cluster endpoint: the writer)");
        Console.WriteLine(multiMaster
            ? $"  readers:   127.0.0.1:{port + 1}  (no readers in a multi-master cluster: the writers)"
            : $"  readers:   127.0.0.1:{port + 1}  (reader endpoint: the readers, else the writer)");
        Console.WriteLine("  user:      admin");
        Console.WriteLine(generated
            ? $"  password:  {password}   (generated; kept in {data.PasswordFile})"
            : File.Exists(data.PasswordFile) ? $"  password:  kept in {data.PasswordFile}" : "  password:  the one you gave (--password or BOREALIS_PASSWORD)");
        Console.WriteLine($"  connect:   mariadb -h 127.0.0.1 -P {port} -u admin -p");
        if (cluster is { } state)
        {
            var instances = state.Processes.Where(p => p.Role is "writer" or "reader").Select(p => $"{p.Id} ({p.Role}, 127.0.0.1:{p.Port})");
            Console.WriteLine($"  instances: {string.Join(", ", instances)}");
            Console.WriteLine($"  control:   http://127.0.0.1:{state.ControlPort}  (API: docs/api.md)");
        }
        Console.WriteLine($"  data:      {data.Root}");
        Console.WriteLine(detached
            ? $"  stop:      ./borealis down --data {data.Root}"
            : "  stop:      Ctrl-C");
    }
}
