using System.CommandLine;
using Borealis.Hosting;

namespace Borealis.Cli.Commands;

/// <summary><c>borealis down</c>: stops what <c>up --detach</c> started.</summary>
internal static class DownCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var command = new Command("down", "Stop the local cluster running on --data (started with up --detach).") { data };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(data)!, cancellationToken));
        return command;
    }

    static async Task<int> RunAsync(string dataPath, CancellationToken cancellationToken)
    {
        var dir = new DataDirectory(dataPath);
        var state = ClusterState.TryRead(dir.StateFile);
        if (state is null || !ProcessControl.IsAlive(state.SupervisorPid))
        {
            Console.WriteLine($"No cluster is running on {dir.Root}.");
            return 0;
        }
        Console.WriteLine($"Stopping the cluster on {dir.Root} (pid {state.SupervisorPid})...");
        await ProcessControl.TerminateAsync(state.SupervisorPid, TimeSpan.FromSeconds(30), cancellationToken);
        // A child left behind by a supervisor that had to be killed is stopped too.
        foreach (var process in state.Processes.Where(p => p.Pid > 0))
            await ProcessControl.TerminateAsync(process.Pid, TimeSpan.FromSeconds(10), cancellationToken);
        Console.WriteLine("Stopped.");
        return 0;
    }
}
