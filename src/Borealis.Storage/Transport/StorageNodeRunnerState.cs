namespace Borealis.Storage.Transport;

/// <summary>Where a <see cref="StorageNodeRunner"/> is in its life.</summary>
public enum StorageNodeRunnerState
{
    /// <summary>Constructed; <see cref="StorageNodeRunner.Start"/> not called yet.</summary>
    Created,

    /// <summary>Serving.</summary>
    Running,

    /// <summary>The core threw: the node answers every request <c>Failed</c> until restarted (see <see cref="StorageNodeRunner.Failure"/>).</summary>
    Failed,

    /// <summary>Stopped by <see cref="StorageNodeRunner.StopAsync"/>.</summary>
    Stopped,
}
