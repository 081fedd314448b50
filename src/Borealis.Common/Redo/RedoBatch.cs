namespace Borealis.Common.Redo;

/// <summary>
/// An atomic group of redo records: one committed transaction. Its records receive consecutive LSNs; the last
/// one is the consistency point (CPL). A reader or a recovering writer sees all of a batch or none of it.
/// </summary>
/// <param name="Records">The page changes, at most one per page.</param>
/// <param name="PageCount">The size of the database in pages once this batch applies (SQLite can grow or shrink the file).</param>
public sealed record RedoBatch(IReadOnlyList<RedoRecord> Records, uint PageCount);
