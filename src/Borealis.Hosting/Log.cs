using Microsoft.Extensions.Logging;

namespace Borealis.Hosting;

/// <summary>Log messages of the hosting layer (EventIds 8000–8999, shared with the CLI).</summary>
internal static partial class Log
{
    [LoggerMessage(8001, LogLevel.Information, "Starting {Id}: borealis {Arguments}")]
    public static partial void StartingChild(ILogger logger, string id, string arguments);

    [LoggerMessage(8002, LogLevel.Information, "{Id} is running (pid {Pid}, port {Port})")]
    public static partial void ChildRunning(ILogger logger, string id, int pid, int port);

    [LoggerMessage(8003, LogLevel.Warning, "{Id} exited with code {ExitCode}; restarting")]
    public static partial void ChildExited(ILogger logger, string id, int exitCode);

    [LoggerMessage(8004, LogLevel.Error, "{Id} could not start (exit code {ExitCode}); see {LogFile}")]
    public static partial void ChildFailedToStart(ILogger logger, string id, int exitCode, string logFile);

    [LoggerMessage(8005, LogLevel.Information, "Storage node {NodeId} retired; stopping it")]
    public static partial void StorageNodeRetired(ILogger logger, int nodeId);

    [LoggerMessage(8006, LogLevel.Error, "Storage node {NodeId} keeps dying at start: declared lost; node {NewNodeId} added in zone {Zone} to take its segments")]
    public static partial void StorageNodeLost(ILogger logger, int nodeId, int newNodeId, string zone);

    [LoggerMessage(8007, LogLevel.Warning, "Cannot read the storage topology: {Message}")]
    public static partial void TopologyUnreadable(ILogger logger, string message);

    [LoggerMessage(8008, LogLevel.Information, "Storage fleet changed: {Count} nodes, retired: [{Retired}]")]
    public static partial void FleetChanged(ILogger logger, int count, string retired);

    [LoggerMessage(8009, LogLevel.Warning, "Storage node {NodeId} keeps dying at start but was not replaced: {Reason}")]
    public static partial void LostNodeNotReplaced(ILogger logger, int nodeId, string reason);

    [LoggerMessage(8010, LogLevel.Information, "Instance {Id} serving MySQL on {EndPoint} (volume {Volume}, durable LSN {Lsn})")]
    public static partial void InstanceServing(ILogger logger, string id, string endPoint, string volume, string lsn);

    [LoggerMessage(8011, LogLevel.Information, "Instance {Id} stopping")]
    public static partial void InstanceStopping(ILogger logger, string id);

    [LoggerMessage(8020, LogLevel.Warning, "Replication: accepting a replica failed: {Message}")]
    public static partial void ReplicationAcceptFailed(ILogger logger, string message);

    [LoggerMessage(8021, LogLevel.Warning, "Replication: waiting for the volume failed: {Message}")]
    public static partial void ReplicationDurableWaitFailed(ILogger logger, string message);

    [LoggerMessage(8022, LogLevel.Information, "Replica {Id} subscribed at LSN {Lsn}")]
    public static partial void ReplicaSubscribed(ILogger logger, string id, string lsn);

    [LoggerMessage(8023, LogLevel.Information, "Replica {Id} disconnected: {Reason}")]
    public static partial void ReplicaDisconnected(ILogger logger, string id, string reason);

    [LoggerMessage(8024, LogLevel.Information, "Following writer {Writer} at {EndPoint} from LSN {Lsn} (epoch {Epoch})")]
    public static partial void FollowingWriter(ILogger logger, string writer, string endPoint, string lsn, ulong epoch);

    [LoggerMessage(8025, LogLevel.Warning, "Lost the writer's redo stream: {Reason}")]
    public static partial void LostWriterStream(ILogger logger, string reason);

    [LoggerMessage(8012, LogLevel.Error, "The control API cannot listen on 127.0.0.1:{Port}: {Message}")]
    public static partial void ControlApiFailed(ILogger logger, int port, string message);

    [LoggerMessage(8040, LogLevel.Information, "Instance {Id}: status endpoint on 127.0.0.1:{Port} (GET /v1/status)")]
    public static partial void StatusServing(ILogger logger, string id, int port);

    [LoggerMessage(8041, LogLevel.Warning, "Instance {Id}: no status endpoint, 127.0.0.1:{Port} cannot be bound ({Message}); serving without it")]
    public static partial void StatusFailed(ILogger logger, string id, int port, string message);

    [LoggerMessage(8050, LogLevel.Information, "Writer {Id} joined the volume at LSN {Lsn}")]
    public static partial void VolumeServiceWriterJoined(ILogger logger, string id, string lsn);

    [LoggerMessage(8051, LogLevel.Information, "Writer {Id} left the volume: {Reason}")]
    public static partial void VolumeServiceWriterLost(ILogger logger, string id, string reason);

    [LoggerMessage(8052, LogLevel.Information, "Volume service on 127.0.0.1:{Port}: {Volume}, VDL {Lsn}")]
    public static partial void VolumeServiceServing(ILogger logger, int port, string volume, string lsn);

    [LoggerMessage(8053, LogLevel.Warning, "The supervisor (pid {Supervisor}) is gone (parent now pid {Parent}): stopping")]
    public static partial void SupervisorGone(ILogger logger, int supervisor, int parent);
}
