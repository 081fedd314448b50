using Microsoft.Extensions.Logging;

namespace Borealis.Volume;

/// <summary>Log events of the volume (EventIds 3000–3999).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Opened volume {Directory}: checkpoint at LSN {Checkpoint}, recovered to LSN {Recovered} ({Frames} frames replayed) in {ElapsedMs} ms")]
    public static partial void Opened(ILogger logger, string directory, ulong checkpoint, ulong recovered, int frames, long elapsedMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "Cut the torn tail of log segment {Segment} at byte {Offset} ({Dropped} bytes of incomplete or damaged frames dropped)")]
    public static partial void TornTail(ILogger logger, string segment, long offset, long dropped);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug,
        Message = "Checkpoint at LSN {Checkpoint}: {Pages} pages written, {Segments} log segments deleted")]
    public static partial void Checkpointed(ILogger logger, ulong checkpoint, int pages, int segments);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Critical,
        Message = "Volume {Directory} failed and accepts no more writes")]
    public static partial void Failed(ILogger logger, string directory, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "Could not give back the space reserved at the end of log segment {Segment}; the next open will")]
    public static partial void TrimFailed(ILogger logger, string segment, Exception exception);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information,
        Message = "Opened quorum volume {VolumeId} at epoch {Epoch}: durable LSN {Durable} ({Groups} protection groups, created: {Created})")]
    public static partial void QuorumOpened(ILogger logger, Guid volumeId, ulong epoch, ulong durable, int groups, bool created);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Critical,
        Message = "Quorum volume failed and accepts no more writes")]
    public static partial void QuorumFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Critical,
        Message = "Quorum volume client loop failed")]
    public static partial void QuorumLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information,
        Message = "Opened quorum volume {VolumeId} as a read replica of epoch {Epoch} at LSN {Start} ({Groups} protection groups)")]
    public static partial void QuorumReplicaOpened(ILogger logger, Guid volumeId, ulong epoch, ulong start, int groups);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning,
        Message = "Read replica superseded: the writer changed")]
    public static partial void QuorumReplicaSuperseded(ILogger logger, Exception exception);
}
