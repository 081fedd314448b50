using Borealis.Common;

namespace Borealis.Volume.MultiWriter;

/// <summary>
/// A commit of a multi-master writer changed a page that another writer changed after the commit's snapshot: the
/// first change to a page version won, this one was not appended (MySQL's 1213, deadlock: restart the transaction).
/// </summary>
public sealed class WriteConflictException(PageId page, Lsn snapshot, Lsn newer)
    : IOException($"Page {page} changed at LSN {newer}, after this transaction's snapshot at {snapshot}: another writer changed it first.")
{
    /// <summary>The first page of the batch found changed.</summary>
    public PageId Page { get; } = page;

    /// <summary>The snapshot the batch was computed on.</summary>
    public Lsn Snapshot { get; } = snapshot;

    /// <summary>The LSN of the page's newer version (or of the volume's reopening, for a snapshot older than it).</summary>
    public Lsn Newer { get; } = newer;
}
