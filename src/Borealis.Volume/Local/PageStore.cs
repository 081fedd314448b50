using System.Buffers;
using System.Buffers.Binary;
using Borealis.Common;
using Microsoft.Win32.SafeHandles;

namespace Borealis.Volume.Local;

/// <summary>
/// <c>pages.db</c>: checkpointed page images, two slots per page. A checkpoint writes a page into the slot that
/// does not hold the image the current manifest relies on, so a crash mid-checkpoint never damages the old
/// checkpoint. Slot layout: u32 page, u32 0, u64 LSN, u64 XXH64 of (the 16 bytes before it + the image), u64 0,
/// then the image. Slot <c>s</c> of page <c>p</c> is at <c>((p - 1) * 2 + s) * (32 + pageSize)</c>.
/// The valid image of page p at checkpoint C is the valid slot with the highest LSN ≤ C.
/// </summary>
internal sealed class PageStore(SafeFileHandle handle, int pageSize, Action<LocalVolumeFaultPoint>? faults) : IDisposable
{
    public const string FileName = "pages.db";
    const int HeaderSize = 32;

    readonly int _slotSize = HeaderSize + pageSize;

    long SlotOffset(PageId page, int slot) => ((long)(page.Value - 1) * 2 + slot) * _slotSize;

    /// <summary>Reads a slot; returns its LSN, or null when the slot is empty, torn or not this page's.</summary>
    Lsn? ReadSlot(PageId page, int slot, byte[] buffer)
    {
        long offset = SlotOffset(page, slot);
        int read = ReadFully(offset, buffer.AsSpan(0, _slotSize));
        if (read < _slotSize)
            return null;
        var header = buffer.AsSpan(0, HeaderSize);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != page.Value)
            return null;
        var lsn = new Lsn(BinaryPrimitives.ReadUInt64LittleEndian(header[8..]));
        if (lsn == Lsn.Zero)
            return null;
        ulong sum = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        var hash = new System.IO.Hashing.XxHash64();
        hash.Append(header[..16]);
        hash.Append(buffer.AsSpan(HeaderSize, pageSize));
        return hash.GetCurrentHashAsUInt64() == sum ? lsn : null;
    }

    /// <summary>
    /// Finds the base image of <paramref name="page"/> for checkpoint <paramref name="checkpoint"/> and copies it
    /// to <paramref name="destination"/> (zeros when there is none).
    /// </summary>
    /// <returns>The slot (or <see cref="PageState.NoSlot"/>) and the image's LSN.</returns>
    public (int Slot, Lsn Lsn) ReadBase(PageId page, Lsn checkpoint, Span<byte> destination)
    {
        byte[] a = ArrayPool<byte>.Shared.Rent(_slotSize);
        byte[] b = ArrayPool<byte>.Shared.Rent(_slotSize);
        try
        {
            var lsnA = ReadSlot(page, 0, a);
            var lsnB = ReadSlot(page, 1, b);
            if (lsnA > checkpoint)
                lsnA = null;
            if (lsnB > checkpoint)
                lsnB = null;
            if (lsnA is null && lsnB is null)
            {
                destination[..pageSize].Clear();
                return (PageState.NoSlot, Lsn.Zero);
            }
            if (lsnB is null || (lsnA is not null && lsnA.Value >= lsnB.Value))
            {
                a.AsSpan(HeaderSize, pageSize).CopyTo(destination);
                return (0, lsnA!.Value);
            }
            b.AsSpan(HeaderSize, pageSize).CopyTo(destination);
            return (1, lsnB.Value);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(a);
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    /// <summary>Reads the image in a known slot, which must hold version <paramref name="expected"/>.</summary>
    public void ReadImage(PageId page, int slot, Lsn expected, Span<byte> destination)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_slotSize);
        try
        {
            var lsn = ReadSlot(page, slot, buffer);
            if (lsn != expected)
                throw new VolumeException($"The page store holds a damaged image of page {page} (slot {slot}: expected version {expected}, found {lsn?.ToString() ?? "none"}).");
            buffer.AsSpan(HeaderSize, pageSize).CopyTo(destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Write(PageId page, int slot, Lsn lsn, ReadOnlySpan<byte> image)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_slotSize);
        try
        {
            var span = buffer.AsSpan(0, _slotSize);
            span[..HeaderSize].Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(span, page.Value);
            BinaryPrimitives.WriteUInt64LittleEndian(span[8..], lsn.Value);
            image[..pageSize].CopyTo(span[HeaderSize..]);
            var hash = new System.IO.Hashing.XxHash64();
            hash.Append(span[..16]);
            hash.Append(span.Slice(HeaderSize, pageSize));
            BinaryPrimitives.WriteUInt64LittleEndian(span[16..], hash.GetCurrentHashAsUInt64());
            faults?.Invoke(LocalVolumeFaultPoint.PageWrite);
            RandomAccess.Write(handle, span, SlotOffset(page, slot));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Flush()
    {
        faults?.Invoke(LocalVolumeFaultPoint.PageFlush);
        RandomAccess.FlushToDisk(handle);
    }

    int ReadFully(long offset, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = RandomAccess.Read(handle, destination[total..], offset + total);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }

    public void Dispose() => handle.Dispose();
}
