using Microsoft.Extensions.Logging;

namespace Borealis.Storage;

/// <summary>Log events of the storage node (EventIds 2000–2999). Only notable events: recovery, repair, map changes.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
        Message = "Storage node {Node} opened: map version {MapVersion} epoch {Epoch}, {Segments} segments")]
    public static partial void Opened(ILogger logger, int node, long mapVersion, ulong epoch, int segments);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "Segment {Group}: cut log {File} at byte {Offset} ({Dropped} bytes of torn or damaged frames dropped)")]
    public static partial void LogCut(ILogger logger, uint group, string file, long offset, long dropped);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "Segment {Group}: checkpoint damaged ({Reason}); the segment is reset and hydrates from its peers")]
    public static partial void SegmentReset(ILogger logger, uint group, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information,
        Message = "Adopted volume map version {Version} epoch {Epoch}: {Added} segments added, {Removed} removed")]
    public static partial void MapAdopted(ILogger logger, long version, ulong epoch, int added, int removed);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug,
        Message = "Segment {Group}: checkpoint at LSN {Position} with {Pages} pages; {Moved} frames moved to the current log file")]
    public static partial void Checkpointed(ILogger logger, uint group, ulong position, int pages, int moved);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information,
        Message = "Segment {Group}: hydrated from node {Peer} at LSN {AsOf} ({Pages} page images)")]
    public static partial void Hydrated(ILogger logger, uint group, int peer, ulong asOf, int pages);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning,
        Message = "Segment {Group}: scrub found a damaged log frame at LSN {Lsn} in {File}")]
    public static partial void ScrubDamagedFrame(ILogger logger, uint group, ulong lsn, string file);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Critical,
        Message = "Storage node {Node} failed and serves no more requests")]
    public static partial void Failed(ILogger logger, int node, Exception exception);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning,
        Message = "The volume map file is damaged; the node waits for a map from a writer or a peer")]
    public static partial void MapDamaged(ILogger logger);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information,
        Message = "Segment {Group}: {Frames} frames voided by a truncation were dropped")]
    public static partial void VoidDropped(ILogger logger, uint group, int frames);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning,
        Message = "Segment {Group}: its base at LSN {Base} is above a new truncation point; the segment is hydrated again from its peers")]
    public static partial void BaseVoided(ILogger logger, uint group, ulong @base);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning,
        Message = "Cut node log {File} at byte {Offset} ({Dropped} bytes of torn or damaged entries dropped); every segment asks its peers for what it lacks")]
    public static partial void NodeLogCut(ILogger logger, string file, long offset, long dropped);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Debug,
        Message = "{Files} node log files deleted; the oldest kept is number {Oldest}")]
    public static partial void LogFilesDeleted(ILogger logger, int files, ulong oldest);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information,
        Message = "Moved the frames of {Files} per-segment log files (an earlier format) into the node log")]
    public static partial void LegacyLogsMoved(ILogger logger, int files);
}
