using Borealis.Storage.Protocol;

namespace Borealis.Storage.Segments;

/// <summary>A frame a segment holds in memory, and where its checksummed bytes are in the node log.</summary>
internal sealed class StoredFrame(SegmentFrame frame, LogFile file, long offset, int length)
{
    public SegmentFrame Frame { get; } = frame;

    public LogFile File { get; set; } = file;

    public long Offset { get; set; } = offset;

    public int Length { get; } = length;

    /// <summary>The frame's bytes now live at <paramref name="offset"/> of <paramref name="file"/> (copied there by a checkpoint).</summary>
    public void MoveTo(LogFile file, long offset)
    {
        File.LiveFrames--;
        File = file;
        Offset = offset;
        file.LiveFrames++;
    }
}
