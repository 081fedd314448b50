using Microsoft.Extensions.Logging;

namespace Borealis.Storage.Transport;

/// <summary>The log messages of the storage transports and the node runner (event ids 2500–2599 of Storage's 2000 range).</summary>
internal static partial class TransportLog
{
    [LoggerMessage(2500, LogLevel.Information, "Storage node endpoint listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, string endPoint);

    [LoggerMessage(2501, LogLevel.Information, "Storage node endpoint on {EndPoint} stopped")]
    public static partial void Stopped(ILogger logger, string endPoint);

    [LoggerMessage(2502, LogLevel.Warning, "Accepting a storage connection failed")]
    public static partial void AcceptFault(ILogger logger, Exception exception);

    [LoggerMessage(2510, LogLevel.Debug, "Storage connection {ConnectionId} from {Remote}")]
    public static partial void ConnectionOpened(ILogger logger, long connectionId, string remote);

    [LoggerMessage(2511, LogLevel.Debug, "Storage connection {ConnectionId} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, long connectionId, string reason);

    [LoggerMessage(2512, LogLevel.Warning, "Storage connection {ConnectionId} ({Remote}): protocol violation, closing: {Reason}")]
    public static partial void ProtocolViolation(ILogger logger, long connectionId, string remote, string reason);

    [LoggerMessage(2513, LogLevel.Error, "Storage connection {ConnectionId}: the request handler failed")]
    public static partial void SinkFault(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(2514, LogLevel.Error, "Storage connection {ConnectionId}: cannot encode a response: {Reason}")]
    public static partial void ResponseTooLarge(ILogger logger, long connectionId, string reason);

    [LoggerMessage(2520, LogLevel.Debug, "Storage client: connection to {Address} failed: {Reason}")]
    public static partial void ClientConnectionFailed(ILogger logger, string address, string reason);

    [LoggerMessage(2521, LogLevel.Warning, "Storage client: protocol violation from {Address}, closing: {Reason}")]
    public static partial void ClientProtocolViolation(ILogger logger, string address, string reason);

    [LoggerMessage(2522, LogLevel.Error, "Storage client: the response callback failed")]
    public static partial void CallbackFault(ILogger logger, Exception exception);

    [LoggerMessage(2530, LogLevel.Critical, "Storage node {NodeId} failed and stopped serving")]
    public static partial void NodeFailed(ILogger logger, string nodeId, Exception exception);

    [LoggerMessage(2531, LogLevel.Information, "Storage node {NodeId} running")]
    public static partial void NodeRunning(ILogger logger, string nodeId);

    [LoggerMessage(2532, LogLevel.Information, "Storage node {NodeId} stopped")]
    public static partial void NodeStopped(ILogger logger, string nodeId);
}
