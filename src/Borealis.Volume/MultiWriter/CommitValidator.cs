using Borealis.Common;
using Borealis.Common.Redo;

namespace Borealis.Volume.MultiWriter;

/// <summary>
/// The page-level conflict rule of a multi-writer volume, apart from any I/O: a commit computed on a snapshot may change
/// page p only if p's newest version is at or below that snapshot (the first change to a page version wins). It knows
/// the newest version of every page changed since it started at <c>openedAt</c>, and refuses any snapshot older than
/// that. Not thread-safe: its owner serialises validation and acceptance (the sequencer's lock).
/// </summary>
/// <param name="openedAt">The volume's newest commit when validation started.</param>
/// <param name="pageCount">The database size at <paramref name="openedAt"/>.</param>
public sealed class CommitValidator(Lsn openedAt, uint pageCount)
{
    readonly Dictionary<uint, Lsn> _newest = [];

    /// <summary>The newest commit when validation started: older snapshots are refused.</summary>
    public Lsn OpenedAt { get; } = openedAt;

    /// <summary>The database size after the last accepted commit.</summary>
    public uint PageCount { get; private set; } = pageCount;

    /// <summary>
    /// Checks <paramref name="batch"/> computed on the snapshot at <paramref name="snapshot"/> (of size
    /// <paramref name="snapshotPageCount"/>) and returns the database size it commits: its own when it changes the size
    /// (then it must change page 1, which carries the size), else the current one (another writer may have grown it).
    /// </summary>
    /// <exception cref="WriteConflictException">A page of the batch has a version newer than the snapshot, or the snapshot predates <see cref="OpenedAt"/>.</exception>
    /// <exception cref="ArgumentException">The batch is empty, or changes the size without page 1.</exception>
    public uint Validate(RedoBatch batch, Lsn snapshot, uint snapshotPageCount)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Records.Count == 0)
            throw new ArgumentException("A batch has at least one record.", nameof(batch));
        if (snapshot < OpenedAt)
            throw new WriteConflictException(batch.Records[0].Page, snapshot, OpenedAt);
        bool pageOne = false;
        foreach (var record in batch.Records)
        {
            if (_newest.TryGetValue(record.Page.Value, out var newest) && newest > snapshot)
                throw new WriteConflictException(record.Page, snapshot, newest);
            pageOne |= record.Page.Value == 1;
        }
        bool resizes = batch.PageCount != snapshotPageCount;
        if (resizes && !pageOne)
            throw new ArgumentException("A batch that changes the database size must change page 1.", nameof(batch));
        // A resizing batch changed page 1, which no one changed since its snapshot: the size is still the snapshot's.
        return resizes ? batch.PageCount : PageCount;
    }

    /// <summary>Records a validated batch appended at <paramref name="lsns"/> with size <paramref name="pageCount"/>.</summary>
    public void Accept(RedoBatch batch, AppendResult lsns, uint pageCount)
    {
        ArgumentNullException.ThrowIfNull(batch);
        for (int i = 0; i < batch.Records.Count; i++)
            _newest[batch.Records[i].Page.Value] = new Lsn(lsns.First.Value + (ulong)i);
        PageCount = pageCount;
    }
}
