using Microsoft.Win32.SafeHandles;

namespace Borealis.Storage;

/// <summary>A file of a <see cref="FileStorageDisk"/>: positional reads and writes on a handle, fsync on <see cref="Sync"/>.</summary>
public sealed class FileStorageFile : IStorageFile
{
    readonly SafeFileHandle _handle;

    internal FileStorageFile(SafeFileHandle handle) => _handle = handle;

    public long Length => RandomAccess.GetLength(_handle);

    public int Read(long offset, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = RandomAccess.Read(_handle, destination[total..], offset + total);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }

    public void Write(long offset, ReadOnlySpan<byte> source) => RandomAccess.Write(_handle, source, offset);

    public void SetLength(long length) => RandomAccess.SetLength(_handle, length);

    public void Sync() => RandomAccess.FlushToDisk(_handle);

    public void Dispose() => _handle.Dispose();
}
