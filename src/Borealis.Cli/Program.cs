using System.CommandLine;
using Borealis.Cli.Commands;

namespace Borealis.Cli;

/// <summary>The <c>borealis</c> executable: one binary, one subcommand per role, plus the operator commands.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("Borealis: a self-hostable, Aurora-class, MySQL-compatible database.")
        {
            UpCommand.Create(),
            StatusCommand.Create(),
            DownCommand.Create(),
            InstanceCommand.Create(),
            FailoverCommand.Create(),
            UpCommand.CreateControl(),
            StorageCommand.Create(),
            VolumeServiceCommand.Create(),
            RouterCommand.Create(),
        };
        return await root.Parse(args).InvokeAsync();
    }
}
