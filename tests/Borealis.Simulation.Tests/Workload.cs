using System.Buffers;
using Borealis.Common;
using Borealis.Common.Redo;

namespace Borealis.Simulation.Tests;

/// <summary>
/// Builds redo batches the way the engine does: against the writer's own view of each page (its lineage's newest
/// version, acknowledged or not), with <see cref="PageDelta"/> deltas and PreviousLsn = that version's LSN. The
/// database grows now and then so new protection groups are used.
/// </summary>
public sealed class Workload(SimRandom random, uint pagesPerGroup, uint maxPages)
{
    /// <summary>Records are sorted by page, hence by group, so any stable reordering by group keeps record i at LSN First + i.</summary>
    public (RedoBatch Batch, List<(uint Page, byte[] Image)> Images) Next(PageHistory history) => Next(history, Lsn.MaxValue);

    /// <summary>
    /// A batch computed on the snapshot at <paramref name="snapshot"/> (one of several writers, whose view may lag):
    /// deltas against the pages as of it. A batch that grows the database changes page 1 too (the size is page 1's).
    /// </summary>
    public (RedoBatch Batch, List<(uint Page, byte[] Image)> Images) Next(PageHistory history, Lsn snapshot)
    {
        uint before = history.PageCountAt(snapshot);
        uint pageCount = before;
        if (pageCount == 0 || (pageCount < maxPages && random.Chance(0.08)))
            pageCount = Math.Min(maxPages, pageCount + (uint)random.Next(1, (int)pagesPerGroup + 1));
        int count = Math.Min((int)pageCount, random.Chance(0.2) ? random.Next(3, 7) : random.Next(1, 3));
        var pages = new SortedSet<uint>();
        if (pageCount != before)
            pages.Add(1);
        while (pages.Count < count)
            pages.Add((uint)random.Next(1, (int)pageCount + 1));

        var records = new List<RedoRecord>(count);
        var images = new List<(uint, byte[])>(count);
        var delta = new ArrayBufferWriter<byte>();
        foreach (uint page in pages)
        {
            var (version, image) = history.PageAt(page, snapshot);
            var after = (byte[])image.Clone();
            if (random.Chance(0.05))
            {
                random.NextBytes(after);
            }
            else
            {
                int ranges = random.Next(1, 4);
                for (int r = 0; r < ranges; r++)
                {
                    int length = random.Next(1, 33);
                    int offset = random.Next(after.Length - length);
                    random.NextBytes(after.AsSpan(offset, length));
                }
            }
            if (after.AsSpan().SequenceEqual(image))
                after[random.Next(after.Length)] ^= 0xFF;
            delta.ResetWrittenCount();
            PageDelta.Compute(image, after, delta);
            records.Add(new RedoRecord(new PageId(page), version, delta.WrittenSpan.ToArray()));
            images.Add((page, after));
        }
        return (new RedoBatch(records, pageCount), images);
    }
}
