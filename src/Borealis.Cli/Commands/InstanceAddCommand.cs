using System.CommandLine;
using System.Text.Json;

namespace Borealis.Cli.Commands;

/// <summary><c>borealis instance add --role reader|writer [--tier N]</c>: a new instance in the running cluster (a writer: multi-master clusters only), through the control API.</summary>
internal static class InstanceAddCommand
{
    public static Command Create()
    {
        var role = new Option<string>("--role") { Description = "The new instance's role: reader, or writer in a multi-master cluster (up --writers N, at most 4 writers).", DefaultValueFactory = _ => "reader", HelpName = "ROLE" };
        role.AcceptOnlyFromAmong("reader", "writer");
        var tier = new Option<int>("--tier") { Description = "Promotion tier 0–15 (0 is promoted first).", DefaultValueFactory = _ => 1, HelpName = "N" };
        var data = CommonOptions.Data();
        var api = ControlOptions.Api();
        var output = CommonOptions.Output();
        var command = new Command("add", "Add a reader instance to the cluster running on --data (or behind --api); prints its id and endpoint.")
        {
            role, tier, data, api, output,
        };
        command.SetAction((parse, cancellationToken) => ControlOptions.RunAsync(parse.GetValue(api), parse.GetValue(data)!, async client =>
        {
            var added = await client.SendAsync(HttpMethod.Post, "/v1/instances", new { role = parse.GetValue(role), tier = parse.GetValue(tier) }, cancellationToken);
            if (parse.GetValue(output) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(added));
                return 0;
            }
            Console.WriteLine($"Added {added.GetProperty("id").GetString()} ({added.GetProperty("role").GetString()}, tier {added.GetProperty("tier").GetInt32()}): endpoint {added.GetProperty("host").GetString()}:{added.GetProperty("port").GetInt32()}");
            return 0;
        }));
        return command;
    }
}
