using System.CommandLine;
using System.Text.Json;
using Borealis.Hosting;

namespace Borealis.Cli.Commands;

/// <summary><c>borealis status</c>: the endpoints and every process of the local cluster.</summary>
internal static class StatusCommand
{
    static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create()
    {
        var data = CommonOptions.Data();
        var output = CommonOptions.Output();
        var command = new Command("status", "Show the endpoints and the processes of the local cluster on --data.") { data, output };
        command.SetAction(parse => Run(parse.GetValue(data)!, parse.GetValue(output)!));
        return command;
    }

    static int Run(string dataPath, string output)
    {
        var dir = new DataDirectory(dataPath);
        var state = ClusterState.TryRead(dir.StateFile);
        bool running = state is not null && ProcessControl.IsAlive(state.SupervisorPid);
        var processes = (state?.Processes ?? []).Select(p => new
        {
            p.Id,
            p.Role,
            State = !running ? "stopped" : p.Pid > 0 && !ProcessControl.IsAlive(p.Pid) ? "down" : p.State.ToString().ToLowerInvariant(),
            Pid = running && p.Pid > 0 && ProcessControl.IsAlive(p.Pid) ? p.Pid : 0,
            p.Port,
            p.Restarts,
        }).ToList();

        if (output == "json")
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                Data = dir.Root,
                Running = running,
                SupervisorPid = running ? state!.SupervisorPid : 0,
                Endpoints = state is null ? null : new { Cluster = $"{state.Host}:{state.Port}" },
                User = state?.User,
                Processes = processes,
            }, s_json));
            return 0;
        }

        if (state is null)
        {
            Console.WriteLine($"No cluster in {dir.Root} (start one with ./borealis up --data {dataPath}).");
            return 0;
        }
        Console.WriteLine($"Cluster in {dir.Root}: {(running ? $"running (supervisor pid {state.SupervisorPid})" : "stopped")}");
        Console.WriteLine($"Endpoint: {state.Host}:{state.Port}  user {state.User}");
        Console.WriteLine();
        Console.WriteLine($"{"ID",-12} {"ROLE",-8} {"STATE",-11} {"PID",-8} {"PORT",-6} RESTARTS");
        foreach (var p in processes)
            Console.WriteLine($"{p.Id,-12} {p.Role,-8} {p.State,-11} {(p.Pid == 0 ? "-" : p.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)),-8} {p.Port,-6} {p.Restarts}");
        return 0;
    }
}
