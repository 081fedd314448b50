using Borealis.Common;

namespace Borealis.Volume.Local;

/// <summary>
/// One batch in the log. Its bytes stay in memory until the memory bound evicts them (after they are written);
/// then its deltas are read back from <see cref="Segment"/> at <see cref="Offset"/>.
/// Mutable fields change under the volume lock.
/// </summary>
internal sealed class LogFrame(byte[]? bytes, Lsn first, Lsn commit)
{
    /// <summary>The encoded frame, or null once evicted (or when it was found by recovery).</summary>
    public byte[]? Bytes { get; set; } = bytes;

    public Lsn First { get; } = first;

    public Lsn Commit { get; } = commit;

    /// <summary>The segment the frame was written to; null until written.</summary>
    public LogSegment? Segment { get; set; }

    /// <summary>The frame's byte offset in <see cref="Segment"/>.</summary>
    public long Offset { get; set; }
}
