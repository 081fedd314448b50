using System.Buffers;
using Borealis.Common.Redo;

namespace Borealis.Common.Tests;

public sealed class PageDeltaTests
{
    [Fact]
    public void ApplyingADeltaReproducesTheNewImage()
    {
        var random = new Random(42);
        for (int trial = 0; trial < 200; trial++)
        {
            var before = new byte[4096];
            random.NextBytes(before);
            var after = (byte[])before.Clone();
            int changes = random.Next(0, 20);
            for (int c = 0; c < changes; c++)
            {
                int at = random.Next(after.Length);
                int len = Math.Min(random.Next(1, 300), after.Length - at);
                random.NextBytes(after.AsSpan(at, len));
            }

            var buffer = new ArrayBufferWriter<byte>();
            int written = PageDelta.Compute(before, after, buffer);
            Assert.Equal(buffer.WrittenCount, written);

            var rebuilt = (byte[])before.Clone();
            Assert.True(PageDelta.TryApply(buffer.WrittenSpan, rebuilt));
            Assert.Equal(after, rebuilt);
        }
    }

    [Fact]
    public void ASmallChangeShipsFarLessThanAPage()
    {
        var before = new byte[4096];
        var after = (byte[])before.Clone();
        "a new row of about thirty bytes"u8.CopyTo(after.AsSpan(3000));
        after[10] = 7; // a header field

        var buffer = new ArrayBufferWriter<byte>();
        PageDelta.Compute(before, after, buffer);

        Assert.InRange(buffer.WrittenCount, 1, 64);
    }

    /// <summary>A B-tree page in SQLite's layout: a header, then a cell pointer array of <paramref name="cells"/> 2-byte pointers.</summary>
    static byte[] PageWithPointers(Random random, int cells)
    {
        var page = new byte[4096];
        random.NextBytes(page.AsSpan(0, 8 + 2 * cells));
        random.NextBytes(page.AsSpan(2048));
        return page;
    }

    [Fact]
    public void AnInsertThatShiftsTheCellPointerArrayShipsTheShiftAsACopy()
    {
        var random = new Random(7);
        var before = PageWithPointers(random, cells: 300);
        var after = (byte[])before.Clone();
        // A new pointer at cell 40: the 260 pointers after it move up by 2 bytes; the header's count changes.
        int at = 8 + 2 * 40;
        before.AsSpan(at, 2 * 260).CopyTo(after.AsSpan(at + 2));
        after[at] = 0x0F;
        after[at + 1] = 0xA0;
        after[3] = 45;
        "the new cell's bytes"u8.CopyTo(after.AsSpan(2000));

        var buffer = new ArrayBufferWriter<byte>();
        PageDelta.Compute(before, after, buffer);

        Assert.InRange(buffer.WrittenCount, 1, 64); // literal bytes would be over 520
        Assert.True(PageDelta.IsWellFormed(buffer.WrittenSpan, 4096));
        var rebuilt = (byte[])before.Clone();
        Assert.True(PageDelta.TryApply(buffer.WrittenSpan, rebuilt));
        Assert.Equal(after, rebuilt);
    }

    [Fact]
    public void ShiftsBothWaysAndEditsAroundThemRoundTrip()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 500; trial++)
        {
            var before = PageWithPointers(random, cells: random.Next(10, 900));
            var after = (byte[])before.Clone();
            for (int c = random.Next(1, 6); c > 0; c--)
            {
                int shift = random.Next(4) switch { 0 => 2, 1 => -2, 2 => 4, _ => -4 };
                int from = random.Next(8, 1800);
                int length = random.Next(1, 1800 - from + 8);
                int to = Math.Clamp(from + shift, 0, 4096 - length);
                before.AsSpan(from, length).CopyTo(after.AsSpan(to));
                if (random.Next(2) == 0)
                    random.NextBytes(after.AsSpan(random.Next(4000), random.Next(1, 96)));
            }

            var buffer = new ArrayBufferWriter<byte>();
            PageDelta.Compute(before, after, buffer);
            Assert.True(PageDelta.IsWellFormed(buffer.WrittenSpan, 4096));
            var rebuilt = (byte[])before.Clone();
            Assert.True(PageDelta.TryApply(buffer.WrittenSpan, rebuilt));
            Assert.Equal(after, rebuilt);
        }
    }

    [Fact]
    public void ALiteralOf32768BytesIsStillALiteral()
    {
        // 0x8000 in the length field: a whole half of a 64 KiB page, as written before copy runs existed.
        var image = new byte[65536];
        new Random(5).NextBytes(image);
        var buffer = new ArrayBufferWriter<byte>();
        PageDelta.ComputeFull(image, buffer);
        Assert.Equal(0x8000, BitConverter.ToUInt16(buffer.WrittenSpan[2..4]));
        var rebuilt = new byte[65536];
        Assert.True(PageDelta.IsWellFormed(buffer.WrittenSpan, 65536));
        Assert.True(PageDelta.TryApply(buffer.WrittenSpan, rebuilt));
        Assert.Equal(image, rebuilt);
    }

    [Fact]
    public void ACopyFromOutsideThePageIsRejected()
    {
        var page = new byte[4096];
        // offset 16, copy of 32 bytes from 4080: past the end.
        byte[] copy = [0x10, 0x00, 0x20, 0x80, 0xF0, 0x0F];
        Assert.False(PageDelta.IsWellFormed(copy, 4096));
        Assert.False(PageDelta.TryApply(copy, page));
        Assert.False(PageDelta.TryApply(copy.AsSpan(0, 5), page));
    }

    [Fact]
    public void IdenticalImagesGiveAnEmptyDelta()
    {
        var page = new byte[4096];
        new Random(1).NextBytes(page);
        var buffer = new ArrayBufferWriter<byte>();
        Assert.Equal(0, PageDelta.Compute(page, page, buffer));
    }

    [Fact]
    public void AMalformedDeltaIsRejected()
    {
        var page = new byte[4096];
        byte[] pastTheEnd = [0xF0, 0x0F, 0x20, 0x00, 1, 2, 3];
        Assert.False(PageDelta.TryApply(pastTheEnd, page));
        Assert.False(PageDelta.TryApply([1, 2], page));
    }

    [Fact]
    public void AFullImageRoundTripsFromZeros()
    {
        var image = new byte[8192];
        new Random(3).NextBytes(image);
        var buffer = new ArrayBufferWriter<byte>();
        PageDelta.ComputeFull(image, buffer);
        var rebuilt = new byte[8192];
        Assert.True(PageDelta.TryApply(buffer.WrittenSpan, rebuilt));
        Assert.Equal(image, rebuilt);
    }
}
