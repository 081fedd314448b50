using Borealis.Common;

namespace Borealis.Storage.Files;

/// <summary>The decoded header of a checkpoint file (<see cref="CheckpointFile"/>).</summary>
internal readonly record struct CheckpointHeader(Lsn AsOf, Lsn KnownDurable, uint PageCountAtKnownDurable, int Count);
