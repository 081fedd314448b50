using Borealis.Storage.Files;
using Borealis.Storage.Protocol;
using Borealis.Storage.Segments;

namespace Borealis.Storage;

/// <summary>
/// The node log: one append-only sequence of files (<c>log-N</c>) holding the frames of every segment the node
/// hosts. An append request touching several groups is one write and one fsync, not one per segment log.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>The current (last) file takes the appends; it rolls to a new file past <see cref="LogFileBytes"/>.</item>
/// <item>A file goes when it and every older file hold no frame a segment keeps (<see cref="LogFile.LiveFrames"/>):
/// frames at or below a segment's base are dead, and so are frames of a deleted segment. Files go oldest first, so
/// a reset marker (written when a segment is deleted) outlives every frame it kills.</item>
/// <item>A checkpoint moves the frames it keeps out of older files into the current one; past
/// <see cref="LogFilesKept"/> files, the frames still kept in the oldest are moved so that it can go.</item>
/// </list>
/// </remarks>
public sealed partial class StorageNodeCore
{
    /// <summary>
    /// Log files kept before the frames left in the oldest one are moved: one per segment and one more (each segment
    /// checkpoints after about a file's worth of its own frames), and at least 3.
    /// </summary>
    int LogFilesKept => Math.Max(3, _segments.Count + 1);

    /// <summary>Frames copied between files go in writes of at most about this many bytes.</summary>
    const int CopyChunkBytes = 4 << 20;

    readonly List<LogFile> _logs = [];

    /// <summary>Per-segment logs of earlier versions, read at open; their frames move into the node log.</summary>
    readonly List<LogFile> _legacyLogs = [];

    /// <summary>Groups with entries in the node log (a superset: files go without updating it).</summary>
    readonly HashSet<uint> _groupsInLog = [];

    /// <summary>Groups with frames in the node log that the map does not give the node (found at open).</summary>
    readonly SortedSet<uint> _unhostedInLog = [];

    LogFile CurrentLog => _logs[^1];

    /// <summary>The current log file rolls past this many bytes.</summary>
    long LogFileBytes => Math.Max(_options.CheckpointBytes, 1024);

    /// <summary>Opens the node log's files in order and gives their frames to the hosted segments; cuts damage.</summary>
    void LoadNodeLog()
    {
        var numbers = new List<ulong>();
        foreach (string name in _disk.List(FileNames.NodeLogPrefix))
        {
            if (FileNames.TryParseNodeLog(name, out ulong number))
                numbers.Add(number);
        }
        numbers.Sort();
        foreach (ulong number in numbers)
        {
            string name = FileNames.NodeLog(number);
            var file = _disk.Open(name, create: false);
            var bytes = new byte[file.Length];
            int length = file.Read(0, bytes);
            var log = new LogFile(name, number, file, length, reserved: length);
            _logs.Add(log);
            if (!SegmentLog.IsValidHeader(bytes.AsSpan(0, length), SegmentLog.NodeLogGroup, number))
            {
                // Created but never synced (a crash right after a roll: empty or zeros), or damaged: start it again.
                if (bytes.AsSpan(0, length).ContainsAnyExcept((byte)0))
                    CutNodeLog(log, 0);
                else
                    log.Cut(0);
                log.Append(SegmentLog.EncodeHeader(SegmentLog.NodeLogGroup, number));
                MarkDirty(file);
                continue;
            }
            int end = Replay(log, bytes.AsSpan(0, length), null);
            log.Length = end;
            // Zeros after the last frame are space reserved for appends (LogFile.Append), not damage.
            if (end < length && bytes.AsSpan(end, length - end).ContainsAnyExcept((byte)0))
                CutNodeLog(log, end);
        }
        if (_logs.Count == 0)
            CreateNodeLog(1);
    }

    /// <summary>
    /// Gives the entries of one node log file to the segments (all, or only <paramref name="only"/>); returns where
    /// the readable entries end.
    /// </summary>
    int Replay(LogFile log, ReadOnlySpan<byte> bytes, Segment? only)
    {
        int at = SegmentLog.HeaderSize;
        while (at < bytes.Length)
        {
            int n = SegmentLog.TryDecodeEntry(bytes[at..], out var frame, out uint resetGroup, out var durable, out uint pageCount);
            if (n == 0)
                break;
            if (only is null)
                _groupsInLog.Add(frame?.Group ?? resetGroup);
            if (frame is null)
            {
                // The group's segment was deleted here: what it held before is gone with it.
                if (_segments.TryGetValue(resetGroup, out var reset) && (only is null || only == reset))
                    reset.RemoveWhere(_ => true);
                if (only is null)
                    _unhostedInLog.Remove(resetGroup);
            }
            else
            {
                NoteKnownDurable(durable, pageCount);
                if (!_segments.TryGetValue(frame.Group, out var segment))
                {
                    if (only is null)
                        _unhostedInLog.Add(frame.Group);
                }
                else if ((only is null || only == segment) && Validate(frame) is null && Acceptable(segment, frame))
                {
                    segment.Add(new StoredFrame(frame, log, at, n));
                }
            }
            at += n;
        }
        return at;
    }

    /// <summary>
    /// At open, with a readable map: frames of groups the map does not give the node belong to segments deleted
    /// without their marker (a crash in between); mark them dead now, so that a later map giving the group back
    /// starts it empty.
    /// </summary>
    void ResetUnhostedGroups()
    {
        WriteResets(_unhostedInLog);
        _unhostedInLog.Clear();
    }

    /// <summary>Gives a segment created at run time (a map that adds its group) the frames the node log holds for it.</summary>
    void ReplayNodeLog(Segment segment)
    {
        if (!_groupsInLog.Contains(segment.Group))
            return; // A group new to this node (the volume grew, or a repair placed it here): nothing to read.
        foreach (var log in _logs)
        {
            var bytes = new byte[log.Length];
            int length = log.File.Read(0, bytes);
            Replay(log, bytes.AsSpan(0, length), segment);
        }
    }

    void CreateNodeLog(ulong number)
    {
        string name = FileNames.NodeLog(number);
        var file = _disk.Open(name, create: true);
        file.SetLength(0);
        var log = new LogFile(name, number, file, 0);
        log.Append(SegmentLog.EncodeHeader(SegmentLog.NodeLogGroup, number));
        MarkDirty(file);
        _dirtyDirectory = true;
        _logs.Add(log);
    }

    /// <summary>
    /// Writes the frames to the current log in one write (no fsync) and indexes each in its segment; frames that are
    /// void, at or below the base or already held are skipped. The caller checked that they are well formed.
    /// </summary>
    void StoreFrames(List<(Segment Segment, SegmentFrame Frame)> frames)
    {
        if (CurrentLog.Length >= LogFileBytes)
            CreateNodeLog(CurrentLog.Number + 1);
        var log = CurrentLog;
        var parts = new List<byte[]>(frames.Count);
        long offset = log.Length;
        int total = 0;
        foreach (var (segment, frame) in frames)
        {
            if (!Acceptable(segment, frame))
                continue;
            // Indexed before the write (a duplicate later in the batch is then skipped): a failed write fails the node.
            var bytes = SegmentLog.Encode(frame, _knownDurable, _pageCountAtKnownDurable);
            segment.Add(new StoredFrame(frame, log, offset + total, bytes.Length));
            _groupsInLog.Add(segment.Group);
            if (segment.Fresh && segment.Scl > segment.Base)
                segment.Fresh = false;
            parts.Add(bytes);
            total += bytes.Length;
        }
        if (parts.Count > 0)
            WriteTogether(log, parts, total, offset);
    }

    /// <summary>Appends byte arrays to <paramref name="log"/> as one write at <paramref name="offset"/> (its end).</summary>
    void WriteTogether(LogFile log, IEnumerable<byte[]> parts, int total, long offset)
    {
        var buffer = new byte[total];
        int at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(buffer, at);
            at += part.Length;
        }
        long written = log.Append(buffer);
        if (written != offset)
            throw new InvalidOperationException($"The log moved under a write: {written}, expected {offset}.");
        MarkDirty(log.File);
    }

    /// <summary>
    /// Copies the segment's frames that <paramref name="select"/> picks (none already in the current file) into the
    /// current log file and syncs it. Returns the moves to apply once the copies are the ones that count.
    /// </summary>
    List<(StoredFrame Stored, long Offset)> CopyToCurrentLog(Segment segment, Func<StoredFrame, bool> select)
    {
        var log = CurrentLog;
        var moves = new List<(StoredFrame Stored, long Offset)>();
        var parts = new List<byte[]>();
        long offset = log.Length;
        int total = 0;
        foreach (var stored in segment.Frames)
        {
            if (stored.File == log || !select(stored))
                continue;
            var bytes = SegmentLog.Encode(stored.Frame, _knownDurable, _pageCountAtKnownDurable);
            if (total > 0 && total + bytes.Length > CopyChunkBytes)
            {
                // A long run of frames (a read horizon held back) is written in pieces, not one huge buffer.
                WriteTogether(log, parts, total, offset);
                offset += total;
                parts.Clear();
                total = 0;
            }
            moves.Add((stored, offset + total));
            parts.Add(bytes);
            total += bytes.Length;
        }
        if (total > 0)
            WriteTogether(log, parts, total, offset);
        if (moves.Count > 0)
            log.File.Sync();
        return moves;
    }

    void MoveToCurrentLog(Segment segment, Func<StoredFrame, bool> select)
    {
        foreach (var (stored, offset) in CopyToCurrentLog(segment, select))
            stored.MoveTo(CurrentLog, offset);
    }

    /// <summary>Deletes the oldest log files while no segment keeps a frame in them (never the current one).</summary>
    void CollectLogs()
    {
        int deleted = 0;
        while (_logs.Count > 1 && _logs[0].LiveFrames == 0)
        {
            var log = _logs[0];
            Forget(log.File);
            log.File.Dispose();
            _disk.Delete(log.Name);
            _logs.RemoveAt(0);
            deleted++;
        }
        if (deleted > 0)
        {
            _disk.SyncDirectory();
            Log.LogFilesDeleted(_logger, deleted, _logs[0].Number);
        }
    }

    /// <summary>
    /// Past <see cref="LogFilesKept"/> files, the frames segments still keep in the oldest one are copied to the
    /// current file, so that it can go. Segments checkpoint on their own (which drops their old frames); what is left
    /// in the oldest file is mostly frames of quiet segments, or frames a held-back read horizon keeps.
    /// </summary>
    void ReleaseOldestLog()
    {
        if (_logs.Count > LogFilesKept && _logs[0].LiveFrames > 0)
        {
            var oldest = _logs[0];
            foreach (var segment in _segments.Values)
                MoveToCurrentLog(segment, f => f.File == oldest);
        }
        CollectLogs();
    }

    /// <summary>
    /// Cuts a node log file at a damaged or torn entry: it and every later entry of that file are dropped, for every
    /// segment (gossip refills them).
    /// </summary>
    void CutNodeLog(LogFile log, long offset)
    {
        Log.NodeLogCut(_logger, log.Name, offset, log.Length - offset);
        log.Cut(offset);
        MarkDirty(log.File);
        foreach (var segment in _segments.Values)
        {
            segment.RemoveWhere(f => f.File == log && f.Offset >= offset);
            segment.RepairWanted = true;
        }
    }

    /// <summary>
    /// Moves the frames read from per-segment logs of earlier versions into the node log (synced), then deletes
    /// those files. A crash in between leaves duplicates, which open skips.
    /// </summary>
    void MigrateLegacyLogs()
    {
        if (_legacyLogs.Count == 0)
            return;
        foreach (var segment in _segments.Values)
            MoveToCurrentLog(segment, f => _legacyLogs.Contains(f.File));
        foreach (var log in _legacyLogs)
        {
            Forget(log.File);
            log.File.Dispose();
            _disk.Delete(log.Name);
        }
        _disk.SyncDirectory();
        Log.LegacyLogsMoved(_logger, _legacyLogs.Count);
        _legacyLogs.Clear();
    }

    /// <summary>Writes the reset markers of deleted segments' groups, durably: their frames before them are dead.</summary>
    void WriteResets(IEnumerable<uint> groups)
    {
        var parts = groups.Select(SegmentLog.EncodeReset).ToList();
        if (parts.Count == 0)
            return;
        _groupsInLog.UnionWith(groups);
        WriteTogether(CurrentLog, parts, parts.Sum(p => p.Length), CurrentLog.Length);
        CurrentLog.File.Sync();
    }
}
