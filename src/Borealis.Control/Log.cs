using Microsoft.Extensions.Logging;

namespace Borealis.Control;

/// <summary>Log messages of the control plane (EventIds 7000–7999).</summary>
internal static partial class Log
{
    [LoggerMessage(7001, LogLevel.Warning, "Writer {Id} exited with code {ExitCode}: failing over to {Target}")]
    public static partial void FailingOver(ILogger logger, string id, int exitCode, string target);

    [LoggerMessage(7002, LogLevel.Information, "Failover done: {Target} is the writer, {Old} restarts as a reader ({Elapsed} ms)")]
    public static partial void FailoverDone(ILogger logger, string target, string old, long elapsed);

    [LoggerMessage(7003, LogLevel.Warning, "Writer {Id} exited with code {ExitCode}: restarting in place ({Reason})")]
    public static partial void WriterRestartInPlace(ILogger logger, string id, int exitCode, string reason);

    [LoggerMessage(7004, LogLevel.Information, "Instance {Id} added as {Role} (tier {Tier}, port {Port})")]
    public static partial void InstanceAdded(ILogger logger, string id, InstanceRole role, int tier, int port);

    [LoggerMessage(7005, LogLevel.Information, "Instance {Id} removed")]
    public static partial void InstanceRemoved(ILogger logger, string id);

    [LoggerMessage(7006, LogLevel.Information, "Instance {Id} is {Health}")]
    public static partial void HealthChanged(ILogger logger, string id, string health);

    [LoggerMessage(7007, LogLevel.Information, "Control API listening on {Url}")]
    public static partial void ApiListening(ILogger logger, string url);

    [LoggerMessage(7008, LogLevel.Error, "Control API request {Method} {Path} failed")]
    public static partial void ApiFault(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(7009, LogLevel.Error, "Failover from {Old} to {Target} failed")]
    public static partial void FailoverFault(ILogger logger, Exception exception, string old, string target);

    [LoggerMessage(7010, LogLevel.Warning, "Health probe of {Id} failed")]
    public static partial void ProbeFault(ILogger logger, Exception exception, string id);

    [LoggerMessage(7011, LogLevel.Warning, "Writer {Id} runs but has not answered for {SilentMs} ms (hung): {Action}")]
    public static partial void WriterHung(ILogger logger, string id, long silentMs, string action);
}
