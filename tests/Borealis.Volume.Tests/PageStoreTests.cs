using Borealis.Common;
using Borealis.Testing;
using Borealis.Volume.Local;

namespace Borealis.Volume.Tests;

public sealed class PageStoreTests : BorealisTest, IDisposable
{
    const int PageSize = 512;
    const int SlotSize = PageSize + 32;

    readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    static byte[] Image(byte fill)
    {
        byte[] image = new byte[PageSize];
        Array.Fill(image, fill);
        return image;
    }

    [Fact]
    public void TheBaseIsTheNewestValidSlotAtOrBelowTheCheckpoint()
    {
        string path = _temp.Sub("pages.db");
        using var store = new PageStore(File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite), PageSize, null);
        var page = new PageId(3);
        byte[] read = new byte[PageSize];

        Assert.Equal((PageState.NoSlot, Lsn.Zero), store.ReadBase(page, new Lsn(100), read));
        Assert.All(read, b => Assert.Equal(0, b));

        store.Write(page, 0, new Lsn(10), Image(1));
        store.Write(page, 1, new Lsn(20), Image(2));
        Assert.Equal((1, new Lsn(20)), store.ReadBase(page, new Lsn(25), read));
        Assert.Equal(Image(2), read);
        // A slot newer than the checkpoint belongs to a checkpoint that never completed.
        Assert.Equal((0, new Lsn(10)), store.ReadBase(page, new Lsn(15), read));
        Assert.Equal(Image(1), read);
        // Other pages are untouched.
        Assert.Equal((PageState.NoSlot, Lsn.Zero), store.ReadBase(new PageId(2), new Lsn(100), read));
    }

    [Fact]
    public void ATornSlotIsIgnoredAndTheOtherOneServes()
    {
        string path = _temp.Sub("pages.db");
        var page = new PageId(2);
        using (var store = new PageStore(File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite), PageSize, null))
        {
            store.Write(page, 0, new Lsn(10), Image(1));
            store.Write(page, 1, new Lsn(20), Image(2));
            store.Flush();
        }
        // Damage slot 1 of page 2 (a write torn by a crash).
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.Position = (1L * 2 + 1) * SlotSize + 32 + 100;
            stream.WriteByte(0xEE);
        }
        using (var store = new PageStore(File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite), PageSize, null))
        {
            byte[] read = new byte[PageSize];
            Assert.Equal((0, new Lsn(10)), store.ReadBase(page, new Lsn(30), read));
            Assert.Equal(Image(1), read);
            Assert.Throws<VolumeException>(() => store.ReadImage(page, 1, new Lsn(20), read));
        }
    }
}
