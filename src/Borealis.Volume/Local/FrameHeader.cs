using Borealis.Common;

namespace Borealis.Volume.Local;

/// <summary>The header of a log frame that passed its checksum.</summary>
internal readonly record struct FrameHeader(Lsn First, Lsn Commit, uint PageCount, int RecordCount);
