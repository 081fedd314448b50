using System.CommandLine;

namespace Borealis.Cli.Commands;

/// <summary>The options of the commands that use the control API, and how they run.</summary>
internal static class ControlOptions
{
    public static Option<string?> Api() => new("--api")
    {
        Description = "The control API's URL (default: the API of the cluster running on --data, from DIR/cluster.json).",
        HelpName = "URL",
    };

    /// <summary>Runs <paramref name="action"/> with a client; API refusals are one-line errors (exit 1).</summary>
    public static async Task<int> RunAsync(string? api, string data, Func<ControlClient, Task<int>> action)
    {
        try
        {
            using var client = ControlClient.Connect(api, data);
            return await action(client);
        }
        catch (ControlClientException ex)
        {
            return Output.Fail(ex.Message);
        }
    }
}
