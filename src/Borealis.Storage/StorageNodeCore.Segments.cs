using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Files;
using Borealis.Storage.Protocol;
using Borealis.Storage.Segments;

namespace Borealis.Storage;

public sealed partial class StorageNodeCore
{
    int PageSize => _map!.PageSize;

    /// <summary>
    /// Opens (or creates) segment <paramref name="group"/>: its checkpoint, and the per-segment logs of earlier
    /// versions. At open the node log is replayed once for every segment afterwards; a segment created at run time
    /// (<paramref name="replay"/>) reads its frames from the node log now.
    /// </summary>
    Segment LoadSegment(uint group, bool replay)
    {
        var segment = new Segment(group);
        string checkpoint = FileNames.Checkpoint(group);
        string temp = FileNames.Temp(checkpoint);
        if (_disk.Exists(temp))
        {
            _disk.Delete(temp);
            _dirtyDirectory = true;
        }
        if (_disk.Exists(checkpoint))
        {
            var file = _disk.Open(checkpoint, create: false);
            string? problem = LoadCheckpoint(segment, file);
            if (problem is not null)
            {
                file.Dispose();
                _disk.Delete(checkpoint);
                _disk.SyncDirectory();
                Log.SegmentReset(_logger, group, problem);
            }
        }

        var logs = new List<(string Name, ulong Number)>();
        foreach (string name in _disk.List(FileNames.LogPrefix(group)))
        {
            if (FileNames.TryParseLog(name, group, out ulong number))
                logs.Add((name, number));
        }
        foreach (var (name, number) in logs.OrderBy(l => l.Number))
            LoadLegacyLog(segment, name, number);
        _segments[group] = segment;
        if (replay)
        {
            ReplayNodeLog(segment);
            FinishLoading(segment);
            MigrateLegacyLogs();
        }
        return segment;
    }

    /// <summary>Once the segment has every frame the node holds for it: its SCL and state.</summary>
    void FinishLoading(Segment segment)
    {
        segment.RecomputeScl();
        segment.Fresh = segment.Base == Lsn.Zero && segment.FrameCount == 0;
        segment.NextCheckpointAt = _options.CheckpointBytes;
    }

    /// <summary>Reads and verifies a checkpoint file; returns why it is unusable, or null.</summary>
    string? LoadCheckpoint(Segment segment, IStorageFile file)
    {
        var header = new byte[CheckpointFile.HeaderSize];
        if (file.Read(0, header) != header.Length || !CheckpointFile.TryDecodeHeader(header, segment.Group, PageSize, out var decoded))
            return "bad header";
        var entry = new byte[CheckpointFile.EntrySize(PageSize)];
        var images = new SortedList<PageId, ImageEntry>(decoded.Count);
        for (int i = 0; i < decoded.Count; i++)
        {
            if (file.Read(CheckpointFile.EntryOffset(i, PageSize), entry) != entry.Length
                || !CheckpointFile.TryDecodeEntry(entry, out var page, out var version)
                || !InGroup(page, segment.Group)
                || (images.Count > 0 && page <= images.Keys[^1]))
            {
                return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"image {i} failed its checksum");
            }
            images.Add(page, new ImageEntry(page, version, i));
        }
        NoteKnownDurable(decoded.KnownDurable, decoded.PageCountAtKnownDurable);
        segment.Checkpoint = file;
        segment.SetBase(decoded.AsOf, images);
        return null;
    }

    /// <summary>Reads a per-segment log of an earlier version; its frames move to the node log at the end of the load.</summary>
    void LoadLegacyLog(Segment segment, string name, ulong number)
    {
        var file = _disk.Open(name, create: false);
        var bytes = new byte[file.Length];
        int length = file.Read(0, bytes);
        var log = new LogFile(name, number, file, length, reserved: length);
        _legacyLogs.Add(log);
        if (!SegmentLog.IsValidHeader(bytes.AsSpan(0, length), segment.Group, number))
            return; // Created but never synced (or damaged): nothing in it counts.
        int at = SegmentLog.HeaderSize;
        while (at < length)
        {
            int n = SegmentLog.TryDecode(bytes.AsSpan(at, length - at), segment.Group, out var frame, out var durable, out uint pageCount);
            if (n == 0)
                break;
            NoteKnownDurable(durable, pageCount);
            if (Validate(frame!) is null && Acceptable(segment, frame!))
                segment.Add(new StoredFrame(frame!, log, at, n));
            at += n;
        }
        // Zeros after the last frame are reserved space; anything else is a torn or damaged tail (gossip refills it).
        if (at < length && bytes.AsSpan(at, length - at).ContainsAnyExcept((byte)0))
        {
            Log.LogCut(_logger, segment.Group, name, at, length - at);
            segment.RepairWanted = true;
        }
    }

    static void CloseSegmentFiles(Segment segment)
    {
        segment.Checkpoint?.Dispose();
        segment.Checkpoint = null;
        if (segment.Hydration is not null)
        {
            segment.Hydration.Writer.Dispose();
            segment.Hydration = null;
        }
    }

    /// <summary>Drops a segment the map no longer gives this node, files and all.</summary>
    void DeleteSegment(Segment segment)
    {
        segment.RemoveWhere(_ => true);
        CloseSegmentFiles(segment);
        _segments.Remove(segment.Group);
        foreach (string name in _disk.List(FileNames.Segment(segment.Group)))
            _disk.Delete(name);
        _disk.SyncDirectory();
        // Its frames stay in the node log until their files go: the marker keeps them from coming back at the next open.
        WriteResets([segment.Group]);
    }

    void DeleteStraySegmentFiles()
    {
        foreach (string name in _disk.List(FileNames.SegmentPrefix))
        {
            if (FileNames.TryParseGroup(name, out uint group) && !_segments.ContainsKey(group))
            {
                _disk.Delete(name);
                _dirtyDirectory = true;
            }
        }
    }

    void NoteKnownDurable(Lsn durable, uint pageCount)
    {
        if (durable > _knownDurable)
        {
            _knownDurable = durable;
            _pageCountAtKnownDurable = pageCount;
        }
    }

    bool InGroup(PageId page, uint group) => page.Value >= 1 && _map!.GroupOf(page) == group;

    /// <summary>Why a frame is malformed, or null when it is well formed.</summary>
    string? Validate(SegmentFrame frame)
    {
        if (frame.Records.IsDefaultOrEmpty)
            return "a frame has no records";
        if (frame.First == Lsn.Zero || frame.Backlink >= frame.First || frame.Commit < frame.Last)
            return "a frame's LSNs are inconsistent";
        foreach (var record in frame.Records)
        {
            if (!InGroup(record.Page, frame.Group))
                return "a record's page is not in the frame's group";
            if (!PageDelta.IsWellFormed(record.Delta.Span, PageSize))
                return "a record's delta is malformed";
        }
        return null;
    }

    /// <summary>Whether a (well-formed) frame should be stored: not void, above the base, not already held.</summary>
    bool Acceptable(Segment segment, SegmentFrame frame) =>
        !_map!.IsVoid(frame.Epoch, frame.Last) && frame.Last > segment.Base && !segment.Contains(frame.First);

    /// <summary>
    /// The page at <paramref name="asOf"/>: base image (or zeros) plus its records up to there. False when the base
    /// image failed its checksum (the segment has then been reset).
    /// </summary>
    bool TryMaterialize(Segment segment, PageId page, Lsn asOf, out Lsn version, out byte[] image)
    {
        image = new byte[PageSize];
        version = Lsn.Zero;
        if (segment.Images.TryGetValue(page, out var entry))
        {
            if (!TryReadImage(segment, entry, image))
            {
                ResetSegment(segment, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"image of page {page} failed its checksum"));
                return false;
            }
            version = entry.Version;
        }
        foreach (var (lsn, delta) in segment.RecordsOf(page, asOf))
        {
            PageDelta.Apply(delta.Span, image);
            version = lsn;
        }
        return true;
    }

    bool TryReadImage(Segment segment, ImageEntry entry, Span<byte> image)
    {
        if (segment.Checkpoint is null)
            return false;
        var bytes = new byte[CheckpointFile.EntrySize(PageSize)];
        if (segment.Checkpoint.Read(CheckpointFile.EntryOffset(entry.Index, PageSize), bytes) != bytes.Length
            || !CheckpointFile.TryDecodeEntry(bytes, out var page, out var version)
            || page != entry.Page || version != entry.Version)
        {
            return false;
        }
        bytes.AsSpan(CheckpointFile.EntryHeaderSize, PageSize).CopyTo(image);
        return true;
    }

    /// <summary>
    /// A checkpoint image is damaged: forget the checkpoint (durably), keep the frames above it, and hydrate again
    /// from peers. Damaged data is never served.
    /// </summary>
    void ResetSegment(Segment segment, string reason)
    {
        Log.SegmentReset(_logger, segment.Group, reason);
        segment.Checkpoint?.Dispose();
        segment.Checkpoint = null;
        DeleteIfExists(FileNames.Checkpoint(segment.Group));
        _disk.SyncDirectory();
        segment.SetBase(Lsn.Zero, []);
        segment.Fresh = true;
        segment.PeerScl = Lsn.Zero;
    }
}
