using System.Text.Json;

namespace Borealis.Integration.Tests.Drivers;

/// <summary>
/// A class fixture: starts a real borealis instance, runs one driver through the type matrix, the rollback and the
/// duplicate key against it (one run serves every test of the class), stops the instance and keeps the report.
/// A driver whose tool is missing gives a skip reason instead of a report.
/// </summary>
public abstract class DriverReport : IAsyncLifetime
{
    JsonDocument? _report;

    /// <summary>The driver's report (see <see cref="TypeMatrix"/>).</summary>
    public JsonElement Root => _report?.RootElement ?? throw new InvalidOperationException("no report: " + SkipReason);

    /// <summary>Why the driver could not run (its tool is not installed), or null.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>Null when the driver can run; else the message the tests are skipped with.</summary>
    protected abstract string? Unavailable();

    /// <summary>Runs the driver against the instance; returns the report's JSON text.</summary>
    protected abstract Task<string> RunAsync(InstanceProcess instance);

    public async ValueTask InitializeAsync()
    {
        SkipReason = Unavailable();
        if (SkipReason is not null)
            return;
        await using var instance = await InstanceProcess.StartAsync();
        var json = await RunAsync(instance);
        try
        {
            _report = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"the driver's report is not JSON ({ex.Message}):\n{json}", ex);
        }
    }

    public ValueTask DisposeAsync()
    {
        _report?.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs an external driver program; it must exit 0 and print its report on stdout.</summary>
    protected static async Task<string> RunProgramAsync(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var result = await ExternalProcess.RunAsync(fileName, arguments, workingDirectory: workingDirectory);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{fileName} failed: {result}");
        return result.StandardOutput;
    }

    /// <summary>True when <paramref name="command"/> is found on PATH.</summary>
    protected static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, command)));
}
