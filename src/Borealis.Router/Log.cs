using Microsoft.Extensions.Logging;

namespace Borealis.Router;

/// <summary>The log messages of Borealis.Router ([LoggerMessage], ids in <see cref="EventIds"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(EventIds.Listening, LogLevel.Information, "Router {Endpoint} endpoint listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, RouterEndpoint endpoint, string endPoint);

    [LoggerMessage(EventIds.Stopped, LogLevel.Information, "Router stopped ({Routed} connections routed)")]
    public static partial void Stopped(ILogger logger, long routed);

    [LoggerMessage(EventIds.Routed, LogLevel.Debug, "{Endpoint} endpoint: {Remote} routed to {Instance} as {Role}")]
    public static partial void Routed(ILogger logger, RouterEndpoint endpoint, string remote, string instance, RouteRole role);

    [LoggerMessage(EventIds.ConnectionClosed, LogLevel.Debug, "{Endpoint} endpoint: connection to {Instance} closed")]
    public static partial void ConnectionClosed(ILogger logger, RouterEndpoint endpoint, string instance);

    [LoggerMessage(EventIds.ClosedForRoleChange, LogLevel.Information, "Closed {Count} connection(s) to {Instance}: it is no longer the {Role}")]
    public static partial void ClosedForRoleChange(ILogger logger, int count, string instance, RouteRole role);

    [LoggerMessage(EventIds.NoWriter, LogLevel.Warning, "{Endpoint} endpoint: no instance to route {Remote} to within {Seconds} s; closing it")]
    public static partial void NoBackend(ILogger logger, RouterEndpoint endpoint, string remote, double seconds);

    [LoggerMessage(EventIds.BackendUnreachable, LogLevel.Information, "Cannot connect to {Instance} ({Role}): {Reason}")]
    public static partial void BackendUnreachable(ILogger logger, string instance, RouteRole role, string reason);

    [LoggerMessage(EventIds.ConnectionLimit, LogLevel.Warning, "Connection limit reached ({Limit} connections): new connections are closed at once until some end")]
    public static partial void ConnectionLimit(ILogger logger, int limit);

    [LoggerMessage(EventIds.ConnectionFault, LogLevel.Error, "{Endpoint} endpoint: a connection failed")]
    public static partial void ConnectionFault(ILogger logger, RouterEndpoint endpoint, Exception exception);

    [LoggerMessage(EventIds.AcceptFault, LogLevel.Warning, "{Endpoint} endpoint: accepting a connection failed")]
    public static partial void AcceptFault(ILogger logger, RouterEndpoint endpoint, Exception exception);

    [LoggerMessage(EventIds.EndpointsChanged, LogLevel.Information, "Endpoints from {Origin}: {Endpoints}")]
    public static partial void EndpointsChanged(ILogger logger, string origin, string endpoints);

    [LoggerMessage(EventIds.EndpointsUnavailable, LogLevel.Warning, "Cannot read the endpoints from {Origin} (keeping version {Version}): {Reason}")]
    public static partial void EndpointsUnavailable(ILogger logger, string origin, long? version, string reason);

    [LoggerMessage(EventIds.EndpointsAvailableAgain, LogLevel.Information, "Endpoints from {Origin} readable again")]
    public static partial void EndpointsAvailableAgain(ILogger logger, string origin);
}
