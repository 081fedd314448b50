using Borealis.Common;

namespace Borealis.Volume.Local;

/// <summary>A page version since the last checkpoint: its LSN and where its delta is (a range of a frame).</summary>
internal readonly record struct PageVersion(Lsn Lsn, LogFrame Frame, int DeltaOffset, int DeltaLength);
