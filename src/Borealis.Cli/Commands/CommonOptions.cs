using System.CommandLine;

namespace Borealis.Cli.Commands;

/// <summary>Options shared by several commands, worded once.</summary>
internal static class CommonOptions
{
    public static Option<string> Data() => new("--data")
    {
        Description = "The cluster's data directory.",
        DefaultValueFactory = _ => "./data",
        HelpName = "DIR",
    };

    public static Option<string> Output() => new Option<string>("--output", "-o")
    {
        Description = "Output format.",
        DefaultValueFactory = _ => "text",
    }.AcceptOnlyFromAmong("text", "json");

    public static Option<int> Port(int defaultPort, string description) => new("--port")
    {
        Description = description,
        DefaultValueFactory = _ => defaultPort,
        HelpName = "PORT",
        Validators =
        {
            result =>
            {
                int port = result.GetValueOrDefault<int>();
                if (port is < 1 or > 65535)
                    result.AddError($"--port must be between 1 and 65535 (got {port}).");
            },
        },
    };
}
