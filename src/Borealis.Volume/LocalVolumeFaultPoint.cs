namespace Borealis.Volume;

/// <summary>The disk mutations of a <see cref="LocalVolume"/> where a test can inject a failure.</summary>
internal enum LocalVolumeFaultPoint
{
    /// <summary>Before frames are written to a log segment.</summary>
    LogWrite,

    /// <summary>Before a log segment is fsynced.</summary>
    LogFlush,

    /// <summary>Before a new log segment is created.</summary>
    SegmentCreate,

    /// <summary>Before a page image is written to the page store during a checkpoint.</summary>
    PageWrite,

    /// <summary>Before the page store is fsynced during a checkpoint.</summary>
    PageFlush,

    /// <summary>Before the checkpoint manifest is replaced.</summary>
    ManifestWrite,

    /// <summary>Before log segments below a checkpoint are deleted.</summary>
    SegmentDelete,
}
