using System.CommandLine;
using System.Text.Json;

namespace Borealis.Cli.Commands;

/// <summary><c>borealis instance remove ID</c>: stops a reader and removes it from the topology, through the control API.</summary>
internal static class InstanceRemoveCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("ID") { Description = "The instance to remove (see ./borealis status); not the writer (multi-master: not the last writer)." };
        var data = CommonOptions.Data();
        var api = ControlOptions.Api();
        var output = CommonOptions.Output();
        var command = new Command("remove", "Stop instance ID and remove it from the cluster running on --data (or behind --api). The writer cannot be removed: fail over first (multi-master: any writer but the last).")
        {
            id, data, api, output,
        };
        command.SetAction((parse, cancellationToken) => ControlOptions.RunAsync(parse.GetValue(api), parse.GetValue(data)!, async client =>
        {
            var removed = await client.SendAsync(HttpMethod.Delete, "/v1/instances/" + Uri.EscapeDataString(parse.GetValue(id)!), null, cancellationToken);
            Console.WriteLine(parse.GetValue(output) == "json" ? JsonSerializer.Serialize(removed) : $"Removed {removed.GetProperty("removed").GetString()}.");
            return 0;
        }));
        return command;
    }
}
