namespace Borealis.Volume;

/// <summary>The volume cannot take or confirm a write: an I/O failure, a closed volume, or a lost quorum.</summary>
public sealed class VolumeException : IOException
{
    public VolumeException(string message, bool isTransient = false, Exception? innerException = null)
        : base(message, innerException) => IsTransient = isTransient;

    /// <summary>True when retrying later may succeed (a quorum may return); false when the volume is gone for this process.</summary>
    public bool IsTransient { get; }
}
