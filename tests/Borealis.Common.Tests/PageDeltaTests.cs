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
