using Borealis.Storage.Files;
using Borealis.Storage.Segments;

namespace Borealis.Storage;

public sealed partial class StorageNodeCore
{
    // The scrub's cursor: a segment, then its frames (by first LSN), then its checkpoint images (by index).
    uint _scrubGroup;
    bool _scrubImages;
    ulong _scrubPosition;
    long _lastScrub = long.MinValue;

    /// <summary>Re-reads about <see cref="StorageNodeOptions.ScrubBytesPerTick"/> bytes of stored data and checks their checksums.</summary>
    void ScrubSlice()
    {
        long budget = _options.ScrubBytesPerTick;
        int wrapped = 0;
        while (budget > 0 && _segments.Count > 0 && wrapped < 2)
        {
            var segment = _segments.Values.FirstOrDefault(s => s.Group >= _scrubGroup);
            if (segment is null)
            {
                _scrubGroup = 0;
                _scrubImages = false;
                _scrubPosition = 0;
                wrapped++;
                continue;
            }
            if (segment.Group != _scrubGroup)
            {
                _scrubGroup = segment.Group;
                _scrubImages = false;
                _scrubPosition = 0;
            }
            if (!_scrubImages)
            {
                int index = segment.IndexAfter(_scrubPosition);
                if (index < segment.FrameCount)
                {
                    var stored = segment.Frames[index];
                    budget -= stored.Length;
                    _scrubPosition = stored.Frame.First.Value;
                    if (!IsIntact(stored))
                    {
                        Log.ScrubDamagedFrame(_logger, segment.Group, stored.Frame.First.Value, stored.File.Name);
                        CutNodeLog(stored.File, stored.Offset);
                    }
                    continue;
                }
                _scrubImages = true;
                _scrubPosition = 0;
            }
            if (_scrubPosition < (ulong)segment.Images.Count)
            {
                var entry = segment.Images.Values[(int)_scrubPosition];
                budget -= CheckpointFile.EntrySize(PageSize);
                _scrubPosition++;
                if (!TryReadImage(segment, entry, new byte[PageSize]))
                    ResetSegment(segment, $"scrub: image of page {entry.Page} failed its checksum");
                continue;
            }
            _scrubGroup = segment.Group + 1;
            _scrubImages = false;
            _scrubPosition = 0;
            if (_scrubGroup == 0)
                wrapped++;
        }
    }

    static bool IsIntact(StoredFrame stored)
    {
        var bytes = new byte[stored.Length];
        return stored.File.File.Read(stored.Offset, bytes) == bytes.Length && SegmentLog.IsIntact(bytes);
    }
}
