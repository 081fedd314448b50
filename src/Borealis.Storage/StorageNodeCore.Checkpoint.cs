using Borealis.Common;
using Borealis.Storage.Files;
using Borealis.Storage.Segments;

namespace Borealis.Storage;

public sealed partial class StorageNodeCore
{
    /// <summary>
    /// When a segment's log passes <see cref="StorageNodeOptions.CheckpointBytes"/>: coalesce its records at
    /// C = the chain position at or below min(read horizon, SCL) into a new checkpoint file, move the frames above C
    /// to a new log file, and delete the old log files. Versions below C are gone afterwards (TooOld).
    /// </summary>
    /// <remarks>
    /// Crash order: the new log (frames above C) is synced first, then the checkpoint is renamed in, then the old logs
    /// are deleted. A crash between steps leaves duplicates (skipped at open) or frames at or below the base (ignored).
    /// </remarks>
    void MaybeCheckpoint(Segment segment)
    {
        if (segment.Hydration is not null || segment.LogBytes < segment.NextCheckpointAt)
            return;
        var position = segment.ChainPositionAtOrBelow(Lsn.Min(_readHorizon, segment.Scl));
        if (position <= segment.Base)
        {
            // Nothing to coalesce yet (the horizon or a hole holds it back): try again after more log.
            segment.NextCheckpointAt = segment.LogBytes + Math.Max(1, _options.CheckpointBytes / 4);
            return;
        }
        Checkpoint(segment, position);
    }

    void Checkpoint(Segment segment, Lsn position)
    {
        string name = FileNames.Checkpoint(segment.Group);
        using var writer = new CheckpointWriter(_disk, FileNames.Temp(name), PageSize);
        foreach (var page in segment.PagesAt(position))
        {
            if (!TryMaterialize(segment, page, position, out var version, out var image))
            {
                writer.Dispose();
                DeleteIfExists(writer.Name);
                return;
            }
            writer.Add(page, version, image);
        }

        // The frames above C move to a new log file, durable before the checkpoint replaces the old base.
        ulong number = segment.Current.Number + 1;
        string logName = FileNames.Log(segment.Group, number);
        var file = _disk.Open(logName, create: true);
        file.SetLength(0);
        file.Write(0, SegmentLog.EncodeHeader(segment.Group, number));
        var log = new LogFile(logName, number, file, SegmentLog.HeaderSize);
        var moved = new List<(StoredFrame Frame, long Offset)>();
        foreach (var stored in segment.Frames)
        {
            if (stored.Frame.Last <= position)
                continue;
            var bytes = SegmentLog.Encode(stored.Frame, _knownDurable, _pageCountAtKnownDurable);
            moved.Add((stored, log.Append(bytes)));
        }
        file.Sync();

        InstallBase(segment, position, writer);

        var old = segment.Logs.ToList();
        foreach (var previous in old)
        {
            Forget(previous.File);
            previous.File.Dispose();
            _disk.Delete(previous.Name);
        }
        _disk.SyncDirectory();
        segment.Logs.Clear();
        segment.Logs.Add(log);
        foreach (var (stored, offset) in moved)
        {
            stored.File = log;
            stored.Offset = offset;
        }
        segment.NextCheckpointAt = segment.LogBytes + _options.CheckpointBytes;
        Log.Checkpointed(_logger, segment.Group, position.Value, segment.Images.Count, old.Count);
    }
}
