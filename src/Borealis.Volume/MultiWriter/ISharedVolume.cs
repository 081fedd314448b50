using Borealis.Common;
using Borealis.Common.Redo;

namespace Borealis.Volume.MultiWriter;

/// <summary>
/// One writer's handle on a volume that several writers commit to (multi-master). A commit is validated against the
/// snapshot its deltas were computed on: the first change to a page version wins, and a commit that would change a
/// page another writer changed after that snapshot is refused with <see cref="WriteConflictException"/>. Every
/// other writer's commit reaches this writer, in LSN order, through the delivery started by
/// <see cref="StartDelivery"/>.
/// </summary>
/// <remarks>
/// LSNs are one volume-wide order: the volume assigns them as it appends, whichever writer a batch comes from, so
/// the commits a writer sees (its own and those delivered) are contiguous. <see cref="IVolume.Append"/> without a
/// snapshot is refused: a shared volume never appends a batch it cannot validate.
/// </remarks>
public interface ISharedVolume : IVolume
{
    /// <summary>Where this writer's view of the volume starts: every commit after it is its own or is delivered.</summary>
    Lsn AttachedAt { get; }

    /// <summary>
    /// Validates <paramref name="batch"/> against the snapshot it was computed on and appends it. Never waits for I/O.
    /// A batch whose page count differs from <paramref name="snapshotPageCount"/> changes the database size and must
    /// hold a record for page 1 (which carries the size); one that keeps it gets the volume's current size.
    /// </summary>
    /// <param name="snapshot">The LSN of the snapshot the batch's deltas were computed on.</param>
    /// <param name="snapshotPageCount">The database size at that snapshot.</param>
    /// <exception cref="WriteConflictException">A page of the batch changed after the snapshot; nothing was appended.</exception>
    /// <exception cref="VolumeException">The volume failed or is closed; nothing was appended.</exception>
    AppendResult Append(RedoBatch batch, Lsn snapshot, uint snapshotPageCount);

    /// <summary>The newest commit on the volume, of any writer: what a writer catches up to before a transaction's first write.</summary>
    ValueTask<Lsn> GetLatestCommitAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts delivering the other writers' commits after <see cref="AttachedAt"/> to <paramref name="deliver"/>, one
    /// at a time and in LSN order, on a thread of the volume's (never under a lock of the caller's).
    /// </summary>
    void StartDelivery(Action<RedoBatch, AppendResult> deliver);
}
