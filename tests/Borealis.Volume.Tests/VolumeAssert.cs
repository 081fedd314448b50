using Borealis.Common;

namespace Borealis.Volume.Tests;

internal static class VolumeAssert
{
    /// <summary>Every page up to <paramref name="maxPage"/> reads the same from both volumes at <paramref name="asOf"/>.</summary>
    public static void SameAt(IVolume expected, IVolume actual, Lsn asOf, uint maxPage)
    {
        byte[] a = new byte[expected.PageSize];
        byte[] b = new byte[actual.PageSize];
        for (uint p = 1; p <= maxPage; p++)
        {
            var page = new PageId(p);
            var lsnA = expected.ReadPage(page, asOf, a);
            var lsnB = actual.ReadPage(page, asOf, b);
            Assert.True(lsnA == lsnB, $"page {p} at {asOf}: version {lsnB}, expected {lsnA}");
            Assert.True(a.AsSpan().SequenceEqual(b), $"page {p} at {asOf}: contents differ");
        }
        Assert.Equal(expected.GetPageCount(asOf), actual.GetPageCount(asOf));
    }
}
