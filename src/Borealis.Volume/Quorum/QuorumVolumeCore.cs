using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;

namespace Borealis.Volume.Quorum;

/// <summary>
/// The quorum volume client's logic, with no transport, no threads and no clock of its own: striping over
/// protection groups, sending frames to 6 segments, PGCL/VCL/VDL, reads with hedging, recovery and fencing, group
/// growth, and repair by two-step membership changes. <see cref="QuorumVolume"/> runs it under a lock with real
/// transports; the simulation drives it from its event loop. Single-threaded: one call at a time.
/// </summary>
public sealed partial class QuorumVolumeCore
{
    readonly QuorumVolumeOptions _options;
    readonly IQuorumHost _host;

    public QuorumVolumeCore(QuorumVolumeOptions options, IQuorumHost host)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(host);
        _options = options;
        _host = host;
    }

    /// <summary>Starts recovery: read the map and a read quorum of every group, compute VDL, fence with a new epoch.</summary>
    public void StartOpen() => throw new NotImplementedException();

    /// <summary>Opening, then Open or Failed.</summary>
    public QuorumVolumeState State => throw new NotImplementedException();

    /// <summary>Why the volume failed (fenced by a newer writer, no quorum at open, ...); null otherwise.</summary>
    public Exception? Failure => throw new NotImplementedException();

    public int PageSize => _options.PageSize;

    public VolumeEpoch Epoch => throw new NotImplementedException();

    public Lsn DurableLsn => throw new NotImplementedException();

    public Lsn AppendedLsn => throw new NotImplementedException();

    /// <inheritdoc cref="IVolume.Append"/>
    public AppendResult Append(RedoBatch batch) => throw new NotImplementedException();

    /// <inheritdoc cref="IVolume.GetPageCount"/>
    public uint GetPageCount(Lsn asOf) => throw new NotImplementedException();

    /// <inheritdoc cref="IVolume.SetReadHorizon"/>
    public void SetReadHorizon(Lsn oldestReadPoint) => throw new NotImplementedException();

    /// <summary>Starts reading a page as of an LSN; <paramref name="completion"/> is called (from a later call into the core, or at once) with the outcome.</summary>
    public void StartRead(PageId page, Lsn asOf, Action<PageReadOutcome> completion) => throw new NotImplementedException();

    /// <summary>The answer to a request sent through <see cref="IQuorumHost.Send"/>.</summary>
    public void OnResponse(long correlation, StorageResponse response) => throw new NotImplementedException();

    /// <summary>Timers: retransmits, hedged reads, timeouts, node liveness, repair, map writes. Call every few milliseconds.</summary>
    public void Tick() => throw new NotImplementedException();

    /// <summary>The volume map this client holds (null before open).</summary>
    public VolumeMap? Map => throw new NotImplementedException();
}
