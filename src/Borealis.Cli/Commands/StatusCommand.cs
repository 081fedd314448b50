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
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(data)!, parse.GetValue(output)!, cancellationToken));
        return command;
    }

    static async Task<int> RunAsync(string dataPath, string output, CancellationToken cancellationToken)
    {
        var dir = new DataDirectory(dataPath);
        StorageFleetStatus? storage = null;
        try
        {
            if (StorageTopology.TryRead(dir.TopologyFile) is { } topology)
                storage = await StorageFleetStatus.QueryAsync(topology, StorageTransports.Tcp, TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (HostingException ex)
        {
            return Output.Fail(ex.Message);
        }
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
                Storage = storage,
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
        if (storage is not null)
            PrintStorage(storage);
        return 0;
    }

    static void PrintStorage(StorageFleetStatus storage)
    {
        var active = storage.Nodes.Where(n => !n.Retired).ToList();
        Console.WriteLine();
        Console.WriteLine($"Storage: {active.Count} nodes in {active.Select(n => n.Zone).Distinct().Count()} zones, {active.Count(n => n.Up)} up");
        Console.WriteLine($"{"NODE",-5} {"ZONE",-5} {"ADDRESS",-22} {"STATE",-8} SEGMENTS (group:SCL)");
        foreach (var n in storage.Nodes)
        {
            string state = n.Retired ? "retired" : n.Up ? "up" : "down";
            string segments = string.Join(' ', n.Segments.Select(s => $"{s.Group}:{s.Scl}{(s.State == "healthy" ? "" : "(" + s.State + ")")}"));
            Console.WriteLine($"{n.Id,-5} {n.Zone,-5} {n.Address,-22} {state,-8} {segments}");
        }
        if (storage.Groups.Count == 0)
            return;
        int whole = storage.Groups.Count(g => g.HealthyCopies >= 6);
        Console.WriteLine();
        Console.WriteLine($"Protection groups: {storage.Groups.Count}, {whole} with 6 healthy copies");
        Console.WriteLine($"{"GROUP",-6} {"MEMBERS",-20} {"HEALTHY",-8} SCL");
        foreach (var g in storage.Groups)
        {
            string members = string.Join(',', g.Members) + (g.Next.Count > 0 ? " -> " + string.Join(',', g.Next) : "");
            Console.WriteLine($"{g.Group,-6} {members,-20} {g.HealthyCopies + "/6",-8} {g.Scl}");
        }
    }
}
