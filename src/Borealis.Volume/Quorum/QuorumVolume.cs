namespace Borealis.Volume.Quorum;

/// <summary>
/// The quorum-replicated volume: <see cref="IVolume"/> over a fleet of storage nodes, running a
/// <see cref="QuorumVolumeCore"/> under one lock with a TCP (or in-process) transport and a timer thread.
/// </summary>
public sealed partial class QuorumVolume
{
    /// <summary>Connects to the fleet, recovers the volume and fences older writers.</summary>
    public static Task<IVolume> OpenAsync(QuorumVolumeOptions options, CancellationToken cancellationToken) => throw new NotImplementedException();
}
