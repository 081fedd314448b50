using Microsoft.Extensions.Logging;

namespace Borealis.MySql;

/// <summary>The log messages of Borealis.MySql ([LoggerMessage], ids in <see cref="EventIds"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(EventIds.Listening, LogLevel.Information, "MySQL endpoint listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, string endPoint);

    [LoggerMessage(EventIds.Stopped, LogLevel.Information, "MySQL endpoint on {EndPoint} stopped")]
    public static partial void Stopped(ILogger logger, string endPoint);

    [LoggerMessage(EventIds.ConnectionOpened, LogLevel.Debug, "Connection {ConnectionId} from {Remote}")]
    public static partial void ConnectionOpened(ILogger logger, uint connectionId, string remote);

    [LoggerMessage(EventIds.ConnectionClosed, LogLevel.Debug, "Connection {ConnectionId} closed")]
    public static partial void ConnectionClosed(ILogger logger, uint connectionId);

    [LoggerMessage(EventIds.ProtocolViolation, LogLevel.Information, "Connection {ConnectionId}: protocol violation, closing: {Reason}")]
    public static partial void ProtocolViolation(ILogger logger, uint connectionId, string reason);

    [LoggerMessage(EventIds.AuthenticationFailed, LogLevel.Information, "Connection {ConnectionId}: access denied for '{User}'")]
    public static partial void AuthenticationFailed(ILogger logger, uint connectionId, string user);

    [LoggerMessage(EventIds.TransportError, LogLevel.Debug, "Connection {ConnectionId}: transport closed: {Reason}")]
    public static partial void TransportError(ILogger logger, uint connectionId, string reason);

    [LoggerMessage(EventIds.SessionFault, LogLevel.Error, "Connection {ConnectionId}: the SQL session failed; reported as error 1105")]
    public static partial void SessionFault(ILogger logger, uint connectionId, Exception exception);

    [LoggerMessage(EventIds.ConnectionFault, LogLevel.Error, "Connection {ConnectionId} failed")]
    public static partial void ConnectionFault(ILogger logger, uint connectionId, Exception exception);

    [LoggerMessage(EventIds.AcceptFault, LogLevel.Warning, "Accepting a connection failed")]
    public static partial void AcceptFault(ILogger logger, Exception exception);
}
