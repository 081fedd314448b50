namespace Borealis.Storage;

/// <summary>An open file of an <see cref="IStorageDisk"/>. Not thread-safe; the node core is single-threaded.</summary>
public interface IStorageFile : IDisposable
{
    long Length { get; }

    /// <summary>Reads up to <c>destination.Length</c> bytes at <paramref name="offset"/>; returns how many (fewer only at the end).</summary>
    int Read(long offset, Span<byte> destination);

    void Write(long offset, ReadOnlySpan<byte> source);

    void SetLength(long length);

    /// <summary>
    /// Makes the file at least <paramref name="length"/> bytes long, the new bytes zeros, with their blocks allocated
    /// where the disk can (fallocate), so that later writes below <paramref name="length"/> change no file metadata and
    /// <see cref="Sync"/> flushes data only. By default the file is just extended. False, with the file unchanged, when
    /// the disk has no room for it (writes may still fit).
    /// </summary>
    bool Reserve(long length)
    {
        if (length > Length)
            SetLength(length);
        return true;
    }

    /// <summary>fsync (fdatasync): every byte written so far, and the length, survive a crash.</summary>
    void Sync();
}
