using Borealis.Common;
using Borealis.Storage.Files;
using Borealis.Storage.Segments;

namespace Borealis.Storage;

public sealed partial class StorageNodeCore
{
    /// <summary>
    /// When a segment's frames pass <see cref="StorageNodeOptions.CheckpointBytes"/>: coalesce its records at
    /// C = the chain position at or below min(read horizon, SCL) into a new checkpoint file, and copy the frames above
    /// C that live in older node log files to the current one, so that the older files can go. Versions below C are
    /// gone afterwards (TooOld).
    /// </summary>
    /// <remarks>
    /// Crash order: the copied frames are synced first, then the checkpoint is renamed in, then node log files no
    /// segment needs are deleted. A crash between steps leaves duplicates (skipped at open) or frames at or below the
    /// base (ignored).
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

        // The frames above C that live in older files move to the current one, durable before the checkpoint
        // replaces the old base.
        var moves = CopyToCurrentLog(segment, f => f.Frame.Last > position);
        InstallBase(segment, position, writer);
        foreach (var (stored, offset) in moves)
            stored.MoveTo(CurrentLog, offset);
        segment.NextCheckpointAt = segment.LogBytes + _options.CheckpointBytes;
        Log.Checkpointed(_logger, segment.Group, position.Value, segment.Images.Count, moves.Count);
        CollectLogs();
    }
}
