namespace Borealis.Volume.Quorum;

/// <summary>The life of a <see cref="QuorumVolumeCore"/>.</summary>
public enum QuorumVolumeState
{
    Opening,
    Open,
    Failed,
}
