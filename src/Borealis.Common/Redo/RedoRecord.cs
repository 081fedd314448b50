namespace Borealis.Common.Redo;

/// <summary>
/// One change to one page: the byte ranges of the new image that differ from the version at
/// <see cref="PreviousLsn"/> (see <see cref="PageDelta"/>). Redo records, never pages, cross the network.
/// </summary>
/// <param name="Page">The page changed.</param>
/// <param name="PreviousLsn">The LSN of the page version this delta applies to (<see cref="Lsn.Zero"/>: an all-zero page).</param>
/// <param name="Delta">The encoded delta (<see cref="PageDelta"/> format).</param>
public readonly record struct RedoRecord(PageId Page, Lsn PreviousLsn, ReadOnlyMemory<byte> Delta);
