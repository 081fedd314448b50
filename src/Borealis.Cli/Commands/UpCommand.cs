using System.CommandLine;
using System.Diagnostics;
using Borealis.Hosting;

namespace Borealis.Cli.Commands;

/// <summary><c>borealis up</c>: starts the local cluster (the embedded default) and prints how to connect.</summary>
internal static class UpCommand
{
    static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    public static Command Create()
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
            Description = "Start in the background and return once the endpoint accepts connections.",
        };
        var storageNodes = new Option<int>("--storage-nodes")
        {
            Description = "Storage nodes of a new cluster (at least 6: 6 copies of every segment, 2 per zone). 0: no storage nodes, a local volume on the instance's disk (development). An existing cluster keeps its fleet.",
            DefaultValueFactory = _ => 6,
            HelpName = "N",
        };
        var zones = new Option<int>("--zones")
        {
            Description = "Availability zones the storage nodes are spread over (at least 3).",
            DefaultValueFactory = _ => 3,
            HelpName = "N",
        };
        var command = new Command("up", "Start a local Borealis cluster (6 storage nodes in zones a, b, c and a writer instance), or reopen the one in --data.")
        {
            data, port, password, detach, storageNodes, zones,
        };
        command.Validators.Add(result =>
        {
            int nodes = result.GetValue(storageNodes);
            if (nodes == 0)
                return;
            try
            {
                StorageTopology.Validate(nodes, result.GetValue(zones));
            }
            catch (HostingException ex)
            {
                result.AddError(ex.Message);
            }
        });
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(data)!, parse.GetValue(port), parse.GetValue(password), parse.GetValue(detach),
            parse.GetValue(storageNodes), parse.GetValue(zones), cancellationToken));
        return command;
    }

    static async Task<int> RunAsync(string dataPath, int port, string? password, bool detach, int storageNodes, int zones, CancellationToken cancellationToken)
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
            (resolved, generated) = data.ResolvePassword(password ?? Environment.GetEnvironmentVariable("BOREALIS_PASSWORD"));
        }
        catch (HostingException ex)
        {
            return Output.Fail(ex.Message);
        }

        var options = new SupervisorOptions(data, port, resolved, storageNodes, zones);
        return detach
            ? await StartDetachedAsync(options, generated, cancellationToken)
            : await RunForegroundAsync(options, generated, cancellationToken);
    }

    static async Task<int> RunForegroundAsync(SupervisorOptions options, bool generated, CancellationToken cancellationToken)
    {
        var (data, port, password) = (options.Data, options.Port, options.Password);
        using var loggerFactory = Logging.Create();
        var supervisor = new Supervisor(options, loggerFactory.CreateLogger("Borealis.Supervisor"));
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
            PrintBanner(data, port, password, generated, detached: false);
        }
        int code = await run;
        if (ready && code == 0)
            Console.WriteLine("Borealis stopped.");
        else if (!ready && code != 0)
            await Console.Error.WriteLineAsync($"error: the database did not start; see {data.LogFile("writer-1")}");
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
        foreach (var a in new[] { "/bin/sh", "-c", "exec \"$0\" \"$@\" >>\"$BOREALIS_LOG\" 2>&1 </dev/null", exe, "up", "--data", data.Root, "--port", Invariant(port), "--storage-nodes", Invariant(options.StorageNodes), "--zones", Invariant(options.Zones) })
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
        PrintBanner(data, port, password, generated, detached: true);
        return 0;
    }

    /// <summary>Polls cluster.json until the writer runs under supervisor <paramref name="supervisorPid"/>.</summary>
    static async Task<bool> WaitForReadyAsync(DataDirectory data, int supervisorPid, Func<bool> failed, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!cancellationToken.IsCancellationRequested)
        {
            var state = ClusterState.TryRead(data.StateFile);
            if (state is not null && state.SupervisorPid == supervisorPid && state.Processes.Count > 0
                && state.Processes.All(p => p.State == ProcessStatus.Running))
                return true;
            bool childFailed = state is not null && state.SupervisorPid == supervisorPid && state.Processes.Any(p => p.State == ProcessStatus.Failed);
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

    static void PrintBanner(DataDirectory data, int port, string password, bool generated, bool detached)
    {
        Console.WriteLine("Borealis is running.");
        Console.WriteLine($"  endpoint:  127.0.0.1:{port}  (MySQL protocol)");
        Console.WriteLine("  user:      admin");
        Console.WriteLine(generated
            ? $"  password:  {password}   (generated; kept in {data.PasswordFile})"
            : File.Exists(data.PasswordFile) ? $"  password:  kept in {data.PasswordFile}" : "  password:  the one you gave (--password or BOREALIS_PASSWORD)");
        Console.WriteLine($"  connect:   mariadb -h 127.0.0.1 -P {port} -u admin -p");
        Console.WriteLine($"  data:      {data.Root}");
        Console.WriteLine(detached
            ? $"  stop:      ./borealis down --data {data.Root}"
            : "  stop:      Ctrl-C");
    }
}
