namespace Borealis.Cli.Commands;

/// <summary>How the CLI reports: one line per failure, never a stack trace.</summary>
internal static class Output
{
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }
}
