using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;

namespace Borealis.Volume.Quorum;

/// <summary>
/// The volume a read replica stands on: the writer's quorum volume, read-only. It shares the writer's storage
/// nodes (no copy of the data); the replica's replication receiver feeds it the writer's redo stream
/// (<see cref="Observe"/>) and VDL (<see cref="AdvanceDurable"/>), and pages the replica does not hold are read
/// from the nodes at its read point through the writer's read path (one segment complete to the group's last
/// frame at or below the read point, hedging, <c>NotCaughtUp</c> → the next member). It changes nothing on the
/// nodes: no epoch, map, truncation, repair or read horizon.
/// </summary>
/// <remarks>
/// A <see cref="QuorumVolume"/> whose core runs in its read-only mode (<see cref="QuorumVolumeCore.StartOpenReplica"/>).
/// When a node shows a newer epoch than the writer's (the writer changed: a recovery, a failover) every read fails
/// with a transient <see cref="VolumeException"/>, <see cref="IsSuperseded"/> becomes true and
/// <see cref="Superseded"/> is raised: the replica must restart and follow the new writer.
/// </remarks>
public sealed class QuorumReplicaVolume : IReplicaVolume
{
    readonly QuorumVolume _volume;

    QuorumReplicaVolume(QuorumVolume volume) => _volume = volume;

    /// <summary>
    /// Opens the volume as a replica of the writer at <paramref name="epoch"/>, readable from <paramref name="start"/>:
    /// reads the volume map from a read quorum of the nodes; writes nothing to them.
    /// </summary>
    /// <param name="options">The storage fleet and client settings (creation settings are ignored).</param>
    /// <param name="epoch">The writer's <see cref="QuorumVolume.Epoch"/>.</param>
    /// <param name="start">The first read point: a durable commit of the writer; the stream continues after it.</param>
    /// <param name="groupLasts">The writer's <see cref="QuorumVolume.GetGroupLasts"/> at <paramref name="start"/>.</param>
    /// <param name="pageCountAtStart">The writer's <see cref="IVolume.GetPageCount"/> at <paramref name="start"/>.</param>
    /// <exception cref="VolumeException">No node holds a map, or the nodes are at a newer epoch (the writer changed; transient).</exception>
    public static async Task<QuorumReplicaVolume> OpenAsync(
        QuorumVolumeOptions options, VolumeEpoch epoch, Lsn start, Lsn[] groupLasts, uint pageCountAtStart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groupLasts);
        var volume = await QuorumVolume.OpenReplicaAsync(options, epoch, start, [.. groupLasts], pageCountAtStart, cancellationToken);
        return new QuorumReplicaVolume(volume);
    }

    public int PageSize => _volume.PageSize;

    /// <summary>The writer's epoch this replica follows.</summary>
    public VolumeEpoch Epoch => _volume.Epoch;

    /// <summary>The newest point the replica can read at: the writer's VDL, bounded by the newest batch observed.</summary>
    public Lsn DurableLsn => _volume.DurableLsn;

    /// <summary>Equal to <see cref="DurableLsn"/>: a replica reads only durable versions.</summary>
    public Lsn AppendedLsn => _volume.AppendedLsn;

    /// <summary>The volume map the replica holds (learned from the nodes; refreshed as the writer changes it).</summary>
    public VolumeMap? Map => _volume.Map;

    /// <summary>True once a node showed a newer epoch: the writer changed and every read fails.</summary>
    public bool IsSuperseded => _volume.Superseded;

    /// <summary>Raised once (on a volume thread, not under its lock) when the replica is superseded.</summary>
    public event EventHandler? Superseded
    {
        add => _volume.SupersededEvent += value;
        remove => _volume.SupersededEvent -= value;
    }

    /// <summary>
    /// Learns a batch of the writer's stream: the end LSN of each group's records in it, and its page count. Call in
    /// LSN order, before any read at its LSNs; a batch at or below what was already observed is ignored.
    /// </summary>
    /// <exception cref="ArgumentException">The batch overlaps one observed, or <paramref name="lsns"/> does not match its records.</exception>
    public void Observe(RedoBatch batch, AppendResult lsns) => _volume.Observe(batch, lsns);

    /// <summary>
    /// Learns the writer's VDL. <see cref="DurableLsn"/> becomes the lower of it and the newest observed commit, and
    /// <see cref="WaitForDurableAsync"/> completes accordingly.
    /// </summary>
    public void AdvanceDurable(Lsn vdl) => _volume.AdvanceDurable(vdl);

    /// <summary>A replica cannot write.</summary>
    /// <exception cref="VolumeException">Always.</exception>
    public AppendResult Append(RedoBatch batch) => throw new VolumeException("The volume is a read-only replica: it cannot append.");

    public ValueTask WaitForDurableAsync(Lsn lsn, CancellationToken cancellationToken) => _volume.WaitForDurableAsync(lsn, cancellationToken);

    /// <summary>Reads a page at <paramref name="asOf"/> in [start, <see cref="DurableLsn"/>], as the writer's <see cref="QuorumVolume.ReadPage"/>.</summary>
    /// <exception cref="VolumeException">No segment could serve it in time, or the replica is superseded (both transient).</exception>
    public Lsn ReadPage(PageId page, Lsn asOf, Span<byte> destination) => _volume.ReadPage(page, asOf, destination);

    public uint GetPageCount(Lsn asOf) => _volume.GetPageCount(asOf);

    /// <summary>
    /// Trims the replica's own history (frame ends, page counts) below <paramref name="oldestReadPoint"/>; nothing is
    /// sent to the nodes (the writer sends the horizon, covering its replicas' oldest read points).
    /// </summary>
    public void SetReadHorizon(Lsn oldestReadPoint) => _volume.SetReadHorizon(oldestReadPoint);

    public ValueTask DisposeAsync() => _volume.DisposeAsync();
}
