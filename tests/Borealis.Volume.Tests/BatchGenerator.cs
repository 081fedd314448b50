using System.Buffers;
using Borealis.Common;
using Borealis.Common.Redo;

namespace Borealis.Volume.Tests;

/// <summary>
/// Seeded random redo batches that chain correctly (each record's previous LSN is the page's last version),
/// assuming the volume assigns LSNs from <c>startLsn + 1</c> in generation order. With <paramref name="pageOrder"/>
/// a batch's records are in page order, as the engine makes them (the quorum volume keeps record i at First + i
/// only for batches in group order).
/// </summary>
internal sealed class BatchGenerator(int seed, int pageSize, uint maxPage, Lsn startLsn = default, bool pageOrder = false)
{
    readonly Random _random = new(seed);
    readonly Dictionary<uint, byte[]> _images = [];
    readonly Dictionary<uint, Lsn> _versions = [];
    ulong _next = startLsn.Value + 1;
    uint _pageCount;

    /// <summary>A generator that continues from what <paramref name="volume"/> holds now.</summary>
    public static BatchGenerator Continuing(IVolume volume, int seed, uint maxPage)
    {
        var generator = new BatchGenerator(seed, volume.PageSize, maxPage, volume.AppendedLsn);
        for (uint p = 1; p <= maxPage; p++)
        {
            byte[] image = new byte[volume.PageSize];
            var lsn = volume.ReadPage(new PageId(p), volume.AppendedLsn, image);
            if (lsn != Lsn.Zero)
            {
                generator._images[p] = image;
                generator._versions[p] = lsn;
            }
        }
        generator._pageCount = volume.GetPageCount(volume.AppendedLsn);
        return generator;
    }

    /// <summary>The image and version of a page after every batch generated so far.</summary>
    public (byte[] Image, Lsn Version) Expected(uint page)
        => (_images.TryGetValue(page, out var image) ? image : new byte[pageSize], _versions.GetValueOrDefault(page));

    public RedoBatch Next()
    {
        int count = _random.Next(1, 5);
        var pages = new HashSet<uint>();
        while (pages.Count < count)
            pages.Add((uint)_random.Next(1, (int)maxPage + 1));
        var records = new List<RedoRecord>(count);
        foreach (uint page in pageOrder ? pages.Order() : pages.AsEnumerable())
        {
            byte[] before = _images.TryGetValue(page, out var image) ? image : new byte[pageSize];
            byte[] after = (byte[])before.Clone();
            if (_random.Next(20) == 0)
            {
                _random.NextBytes(after);
            }
            else
            {
                int runs = _random.Next(1, 4);
                for (int i = 0; i < runs; i++)
                {
                    int length = _random.Next(1, 64);
                    int offset = _random.Next(0, pageSize - length);
                    _random.NextBytes(after.AsSpan(offset, length));
                }
            }
            var writer = new ArrayBufferWriter<byte>();
            PageDelta.Compute(before, after, writer);
            records.Add(new RedoRecord(new PageId(page), _versions.GetValueOrDefault(page), writer.WrittenMemory.ToArray()));
            _images[page] = after;
            _versions[page] = new Lsn(_next);
            _next++;
            _pageCount = Math.Max(_pageCount, page);
        }
        if (_random.Next(10) == 0 && _pageCount > 1)
            _pageCount--;
        return new RedoBatch(records, _pageCount);
    }
}
