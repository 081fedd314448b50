using Microsoft.Extensions.Logging;

namespace Borealis.MySql;

/// <summary>Event ids of Borealis.MySql (5000–5999).</summary>
internal static class EventIds
{
    public const int Listening = 5000;
    public const int Stopped = 5001;
    public const int ConnectionOpened = 5010;
    public const int ConnectionClosed = 5011;
    public const int ProtocolViolation = 5020;
    public const int AuthenticationFailed = 5021;
    public const int TransportError = 5022;
    public const int SessionFault = 5030;
    public const int ConnectionFault = 5031;
    public const int AcceptFault = 5032;
}

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
