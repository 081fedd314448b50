using Borealis.Common;
using Borealis.Common.Redo;

namespace Borealis.Volume;

/// <summary>
/// The storage contract an instance's engine stands on: one database volume, a page space written only through
/// redo. Implementations: <see cref="InMemoryVolume"/> (tests), <c>LocalVolume</c> (a durable log on local disk),
/// and later the quorum client over storage nodes. The engine never writes a page; it appends redo and reads
/// page versions.
/// </summary>
/// <remarks>
/// Append is separate from durability (FasterLog's TryEnqueue / WaitForCommitAsync): <see cref="Append"/> assigns
/// LSNs and queues the batch without waiting, so the engine's lock is released at once, and
/// <see cref="WaitForDurableAsync"/> resolves when the volume durable LSN (VDL) covers an LSN. Many appends share
/// one flush: that is group commit. Appends are made by one thread at a time (the engine's writer); every other
/// member is thread-safe.
/// </remarks>
public interface IVolume : IAsyncDisposable
{
    /// <summary>Bytes per page; fixed for the life of the volume.</summary>
    int PageSize { get; }

    /// <summary>The epoch this client holds the volume in.</summary>
    VolumeEpoch Epoch { get; }

    /// <summary>VDL: every batch whose commit LSN is at or below it is durable and will survive any crash.</summary>
    Lsn DurableLsn { get; }

    /// <summary>The commit LSN of the last batch appended (durable or not). After open it equals <see cref="DurableLsn"/>.</summary>
    Lsn AppendedLsn { get; }

    /// <summary>
    /// Queues one atomic batch. Record i receives LSN <c>result.First + i</c>; the last record's LSN is the commit LSN.
    /// Never waits for I/O.
    /// </summary>
    /// <exception cref="VolumeException">The volume has failed or is closed; nothing was queued.</exception>
    AppendResult Append(RedoBatch batch);

    /// <summary>Completes when <see cref="DurableLsn"/> ≥ <paramref name="lsn"/>.</summary>
    /// <exception cref="VolumeException">The volume failed before the LSN became durable.</exception>
    ValueTask WaitForDurableAsync(Lsn lsn, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the version of <paramref name="page"/> as of <paramref name="asOf"/>: the result of every record for
    /// that page with an LSN ≤ <paramref name="asOf"/>. A page never written reads as zeros.
    /// <paramref name="asOf"/> must not be below the read horizon (<see cref="SetReadHorizon"/>) nor above
    /// <see cref="AppendedLsn"/>.
    /// </summary>
    /// <returns>The LSN of the version read (<see cref="Lsn.Zero"/> for a page never written).</returns>
    Lsn ReadPage(PageId page, Lsn asOf, Span<byte> destination);

    /// <summary>The database size in pages as of <paramref name="asOf"/>.</summary>
    uint GetPageCount(Lsn asOf);

    /// <summary>
    /// Promises that no read will ask for a version older than <paramref name="oldestReadPoint"/>, so older versions
    /// may be coalesced and the log truncated. Moves forward only.
    /// </summary>
    void SetReadHorizon(Lsn oldestReadPoint);
}

/// <summary>The LSNs given to an appended batch.</summary>
/// <param name="First">The LSN of the batch's first record.</param>
/// <param name="Commit">The LSN of its last record: the consistency point the commit waits on.</param>
public readonly record struct AppendResult(Lsn First, Lsn Commit);
