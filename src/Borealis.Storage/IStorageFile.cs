namespace Borealis.Storage;

/// <summary>An open file of an <see cref="IStorageDisk"/>. Not thread-safe; the node core is single-threaded.</summary>
public interface IStorageFile : IDisposable
{
    long Length { get; }

    /// <summary>Reads up to <c>destination.Length</c> bytes at <paramref name="offset"/>; returns how many (fewer only at the end).</summary>
    int Read(long offset, Span<byte> destination);

    void Write(long offset, ReadOnlySpan<byte> source);

    void SetLength(long length);

    /// <summary>fsync: every byte written so far survives a crash.</summary>
    void Sync();
}
