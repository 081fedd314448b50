using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Engine.Cache;
using Borealis.Testing;
using Borealis.Volume;

namespace Borealis.Engine.Tests;

public sealed class PageCacheTests : BorealisTest
{
    /// <summary>Appends a full image of page <paramref name="page"/> filled with <paramref name="fill"/> and returns its LSN.</summary>
    static Lsn Write(InMemoryVolume volume, uint page, byte fill)
    {
        var previous = new byte[4096];
        var previousLsn = volume.ReadPage(new PageId(page), volume.AppendedLsn, previous);
        var image = new byte[4096];
        image.AsSpan().Fill(fill);
        var delta = new System.Buffers.ArrayBufferWriter<byte>();
        PageDelta.Compute(previous, image, delta);
        return volume.Append(new RedoBatch([new RedoRecord(new PageId(page), previousLsn, delta.WrittenMemory)], 10)).Commit;
    }

    static byte[] Image(byte fill)
    {
        var buffer = PagePool.Rent(4096);
        buffer.AsSpan(0, 4096).Fill(fill);
        return buffer;
    }

    static byte ReadFirstByte(PageCache cache, uint page, Lsn at)
    {
        long hits = 0, misses = 0;
        Span<byte> one = stackalloc byte[1];
        cache.Read(page, at, 100, one, ref hits, ref misses);
        return one[0];
    }

    [Fact]
    public async Task ReadsReturnTheNewestVersionAtOrBelowTheReadPoint()
    {
        await using var volume = new InMemoryVolume();
        // Page 6 was written before the cache existed (before the database opened).
        var old = Write(volume, 6, 0x1);
        var cache = new PageCache(volume, 1 << 20, set => { set.Clear(); set.Add(volume.AppendedLsn); set.Seal(); });
        var a = Write(volume, 5, 0xA);
        cache.Publish(5, a, Image(0xA));
        Assert.Equal(0x1, ReadFirstByte(cache, 6, a));
        var b = Write(volume, 5, 0xB);
        cache.Publish(5, b, Image(0xB));
        var six = Write(volume, 6, 0x2);
        cache.Publish(6, six, Image(0x2));
        var c = Write(volume, 5, 0xC);
        cache.Publish(5, c, Image(0xC));

        Assert.Equal(0xA, ReadFirstByte(cache, 5, a));
        Assert.Equal(0xA, ReadFirstByte(cache, 5, new Lsn(b.Value - 1)));
        Assert.Equal(0xB, ReadFirstByte(cache, 5, b));
        Assert.Equal(0xB, ReadFirstByte(cache, 5, new Lsn(c.Value - 1)));
        Assert.Equal(0xC, ReadFirstByte(cache, 5, c));
        Assert.Equal(0x1, ReadFirstByte(cache, 6, b));
        Assert.Equal(0x2, ReadFirstByte(cache, 6, c));

        // Drop page 6's versions, then fill from the volume at both read points: the old one must not be taken as
        // the newest.
        var none = new ReadPointSet();
        none.Add(new Lsn(ulong.MaxValue - 1));
        none.Seal();
        cache.ReleaseObsolete(6, none);
        Assert.Equal(0x1, ReadFirstByte(cache, 6, b));
        Assert.Equal(0x2, ReadFirstByte(cache, 6, c));
        Assert.Equal(0x1, ReadFirstByte(cache, 6, a));
        Assert.True(old < a);
    }

    [Fact]
    public async Task SupersededVersionsCoveringNoReadPointAreReleased()
    {
        await using var volume = new InMemoryVolume();
        var cache = new PageCache(volume, 1 << 20, set => { set.Clear(); set.Add(volume.AppendedLsn); set.Seal(); });
        var a = Write(volume, 3, 1);
        cache.Publish(3, a, Image(1));
        var b = Write(volume, 3, 2);
        cache.Publish(3, b, Image(2));
        var c = Write(volume, 3, 3);
        cache.Publish(3, c, Image(3));
        Assert.Equal(3, cache.Versions);

        var points = new ReadPointSet();
        points.Add(a);
        points.Add(c);
        points.Seal();
        cache.ReleaseObsolete(3, points);

        Assert.Equal(2, cache.Versions);
        Assert.Equal(2 * 4096, cache.Bytes);
        Assert.Equal(1, ReadFirstByte(cache, 3, a));
        Assert.Equal(3, ReadFirstByte(cache, 3, c));
        // The dropped version is read again from the volume.
        Assert.Equal(2, ReadFirstByte(cache, 3, b));
    }

    [Fact]
    public async Task EvictionKeepsTheCacheWithinItsBudget()
    {
        await using var volume = new InMemoryVolume();
        var cache = new PageCache(volume, 8 * 4096, set => { set.Clear(); set.Add(volume.AppendedLsn); set.Seal(); });
        for (uint page = 1; page <= 100; page++)
            Write(volume, page, (byte)page);
        var at = volume.AppendedLsn;
        for (int round = 0; round < 3; round++)
        {
            for (uint page = 1; page <= 100; page++)
            {
                Assert.Equal((byte)page, ReadFirstByte(cache, page, at));
                Assert.True(cache.Bytes <= 8 * 4096);
            }
        }
        Assert.True(cache.Evictions >= 250);
    }
}
