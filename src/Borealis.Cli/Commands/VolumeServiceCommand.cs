using System.CommandLine;
using Borealis.Hosting;
using Borealis.Hosting.MultiWriter;

namespace Borealis.Cli.Commands;

/// <summary>
/// <c>borealis volume-service</c>: the volume of a multi-master cluster, served to its writers (commit validation and
/// ordering, delivery of every writer's commits, page reads). Normally started by <c>up --writers N</c>.
/// </summary>
internal static class VolumeServiceCommand
{
    public static Command Create()
    {
        var storage = new Option<string>("--storage")
        {
            Description = "The storage fleet's topology file (see docs/operations/deploy.md): the volume lives on those storage nodes.",
            HelpName = "FILE",
            Required = true,
        };
        var port = CommonOptions.Port(3309, "127.0.0.1 port the writers connect to (0: any free port).");
        port.Validators.Clear();
        var command = new Command("volume-service", "Serve a volume to the writers of a multi-master cluster (used by 'up --writers N').") { storage, port };
        command.SetAction((parse, cancellationToken) => RunAsync(Path.GetFullPath(parse.GetValue(storage)!), parse.GetValue(port), cancellationToken));
        return command;
    }

    static async Task<int> RunAsync(string topology, int port, CancellationToken cancellationToken)
    {
        using var loggerFactory = Logging.Create();
        using var lifetime = ProcessLifetime.ForCurrentProcess(loggerFactory.CreateLogger("Borealis.VolumeService"), cancellationToken);
        VolumeServiceHost host;
        try
        {
            host = await VolumeServiceHost.StartAsync(topology, port, TimeSpan.FromSeconds(60), loggerFactory, lifetime.Token);
        }
        catch (HostingException ex)
        {
            Output.Fail(ex.Message);
            return Supervisor.ConfigurationExitCode;
        }
        Console.WriteLine($"ready: volume service on 127.0.0.1:{host.Port}");
        try
        {
            await Task.Delay(Timeout.Infinite, lifetime.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await host.DisposeAsync();
        return 0;
    }
}
