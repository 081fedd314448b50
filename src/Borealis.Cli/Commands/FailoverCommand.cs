using System.CommandLine;
using System.Text.Json;

namespace Borealis.Cli.Commands;

/// <summary><c>borealis failover [--target ID]</c>: makes a reader the writer, through the control API.</summary>
internal static class FailoverCommand
{
    public static Command Create()
    {
        var target = new Option<string?>("--target") { Description = "The reader to promote (default: the lowest tier, then the most caught-up, then the lowest id).", HelpName = "ID" };
        var data = CommonOptions.Data();
        var api = ControlOptions.Api();
        var output = CommonOptions.Output();
        var command = new Command("failover", """
            Fail over the cluster running on --data (or behind --api): the writer is stopped gracefully, a healthy
            reader becomes the writer (same id and endpoint port), and the old writer comes back as a reader.
            Returns once the new writer answers (or after 30 s).
            """)
        {
            target, data, api, output,
        };
        command.SetAction((parse, cancellationToken) => ControlOptions.RunAsync(parse.GetValue(api), parse.GetValue(data)!, async client =>
        {
            var result = await client.SendAsync(HttpMethod.Post, "/v1/failover", new { target = parse.GetValue(target) }, cancellationToken);
            if (parse.GetValue(output) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(result));
                return 0;
            }
            string to = result.GetProperty("to").GetString()!;
            Console.WriteLine($"{to} is the writer (was {result.GetProperty("from").GetString()}); {result.GetProperty("elapsed_ms").GetInt64()} ms"
                + (result.GetProperty("healthy").GetBoolean() ? "." : $", but it does not answer yet: see ./borealis status."));
            return 0;
        }));
        return command;
    }
}
