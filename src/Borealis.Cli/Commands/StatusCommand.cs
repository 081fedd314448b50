using System.CommandLine;
using System.Text.Json;
using Borealis.Hosting;

namespace Borealis.Cli.Commands;

/// <summary>
/// <c>borealis status</c>: the endpoints and every process of the local cluster: from <c>DIR/cluster.json</c>, with
/// each instance's tier, health and lag from the control API (<c>GET /v1/cluster</c>) when it answers.
/// </summary>
internal static class StatusCommand
{
    static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create()
    {
        var data = CommonOptions.Data();
        var output = CommonOptions.Output();
        var api = ControlOptions.Api();
        var command = new Command("status", "Show the endpoints and the processes of the local cluster on --data (instances: id, role, tier, endpoint port, pid, state, health, lag).")
        {
            data, output, api,
        };
        command.SetAction((parse, cancellationToken) => parse.GetValue(api) is { } url
            ? ControlOptions.RunAsync(url, parse.GetValue(data)!, client => RunApiAsync(client, parse.GetValue(output)!, cancellationToken))
            : RunAsync(parse.GetValue(data)!, parse.GetValue(output)!, cancellationToken));
        return command;
    }

    /// <summary>An instance as the control API reports it (snake_case in the API, camelCase here as in the rest of status).</summary>
    sealed record InstanceLine(string Id, string Role, int Tier, string Host, int Port, int Pid, string State, bool Healthy, double? LagMs, int Restarts)
    {
        public static InstanceLine From(JsonElement i) => new(
            i.GetProperty("id").GetString()!, i.GetProperty("role").GetString()!, i.GetProperty("tier").GetInt32(),
            i.GetProperty("host").GetString()!, i.GetProperty("port").GetInt32(), i.GetProperty("pid").GetInt32(),
            i.GetProperty("state").GetString()!, i.GetProperty("healthy").GetBoolean(),
            i.GetProperty("lag_ms").ValueKind == JsonValueKind.Number ? i.GetProperty("lag_ms").GetDouble() : null,
            i.GetProperty("restarts").GetInt32());
    }

    /// <summary><c>status --api URL</c>: the instances and storage processes as the control API reports them.</summary>
    static async Task<int> RunApiAsync(ControlClient client, string output, CancellationToken cancellationToken)
    {
        var cluster = await client.SendAsync(HttpMethod.Get, "/v1/cluster", null, cancellationToken);
        var instances = cluster.GetProperty("instances").EnumerateArray().Select(InstanceLine.From).ToList();
        if (output == "json")
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                Control = client.BaseAddress.ToString(),
                Writer = cluster.GetProperty("writer").GetString(),
                Instances = instances,
                StorageNodes = cluster.GetProperty("storage_nodes"),
            }, s_json));
            return 0;
        }
        Console.WriteLine($"Control API: {client.BaseAddress}");
        Console.WriteLine();
        PrintInstances(instances);
        return 0;
    }

    static void PrintInstances(IEnumerable<InstanceLine> instances)
    {
        Console.WriteLine($"{"ID",-12} {"ROLE",-7} {"TIER",-4} {"ENDPOINT",-16} {"PID",-8} {"STATE",-11} {"HEALTHY",-7} LAG");
        foreach (var i in instances)
        {
            Console.WriteLine($"{i.Id,-12} {i.Role,-7} {i.Tier,-4} {i.Host + ":" + i.Port,-16} {(i.Pid == 0 ? "-" : i.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)),-8} {i.State,-11} {(i.Healthy ? "yes" : "no"),-7} {(i.LagMs is { } lag ? lag.ToString(lag < 10 ? "0.0" : "0", System.Globalization.CultureInfo.InvariantCulture) + " ms" : "-")}");
        }
    }

    /// <summary>The control API's view of the instances, when the cluster's API answers; null otherwise.</summary>
    static async Task<List<InstanceLine>?> QueryInstancesAsync(ClusterState state, CancellationToken cancellationToken)
    {
        if (state.ControlPort == 0)
            return null;
        try
        {
            using var client = ControlClient.Connect($"http://{state.Host}:{state.ControlPort}", ".");
            var cluster = await client.SendAsync(HttpMethod.Get, "/v1/cluster", null, cancellationToken);
            return [.. cluster.GetProperty("instances").EnumerateArray().Select(InstanceLine.From)];
        }
        catch (ControlClientException)
        {
            return null;
        }
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
        var instances = running ? await QueryInstancesAsync(state!, cancellationToken) : null;
        var processes = (state?.Processes ?? []).Select(p =>
        {
            var seen = instances?.FirstOrDefault(i => i.Id == p.Id);
            bool instance = p.Role is "writer" or "reader";
            return new
            {
                p.Id,
                p.Role,
                State = !running ? "stopped" : p.Pid > 0 && !ProcessControl.IsAlive(p.Pid) ? "down" : p.State.ToString().ToLowerInvariant(),
                Pid = running && p.Pid > 0 && ProcessControl.IsAlive(p.Pid) ? p.Pid : 0,
                p.Port,
                p.Restarts,
                Tier = instance ? p.Tier : (int?)null,
                ReplicationPort = p.Role == "writer" ? p.ReplicationPort : (int?)null,
                StatusPort = instance && p.StatusPort > 0 ? p.StatusPort : (int?)null,
                Healthy = instance ? seen?.Healthy : null,
                LagMs = seen?.LagMs,
            };
        }).ToList();

        if (output == "json")
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                Data = dir.Root,
                Running = running,
                SupervisorPid = running ? state!.SupervisorPid : 0,
                Endpoints = state is null ? null : new
                {
                    Cluster = $"{state.Host}:{state.Port}",
                    Control = state.ControlPort == 0 ? null : $"http://{state.Host}:{state.ControlPort}",
                },
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
        if (state.ControlPort != 0)
            Console.WriteLine($"Control API: http://{state.Host}:{state.ControlPort}");
        Console.WriteLine();
        var instanceLines = processes.Where(p => p.Tier is not null).Select(p => new InstanceLine(
            p.Id, p.Role, p.Tier!.Value, state.Host, p.Port, p.Pid, p.State, p.Healthy ?? false, p.LagMs, p.Restarts)).ToList();
        if (instanceLines.Count > 0)
        {
            PrintInstances(instanceLines);
            Console.WriteLine();
        }
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
