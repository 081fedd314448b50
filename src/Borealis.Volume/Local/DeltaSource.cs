namespace Borealis.Volume.Local;

/// <summary>Where to find one delta, captured under the lock so it can be read after the lock is released.</summary>
internal readonly record struct DeltaSource(byte[]? Bytes, LogSegment? Segment, long Offset, int Length);
