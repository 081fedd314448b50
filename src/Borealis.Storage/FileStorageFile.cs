using Borealis.Common.IO;
using Microsoft.Win32.SafeHandles;

namespace Borealis.Storage;

/// <summary>
/// A file of a <see cref="FileStorageDisk"/>: positional reads and writes on a handle, fallocate on
/// <see cref="Reserve"/>, fdatasync on <see cref="Sync"/>.
/// </summary>
/// <remarks>See <see cref="NativeFile"/> for why a log reserves ahead and syncs data only.</remarks>
public sealed class FileStorageFile : IStorageFile
{
    readonly SafeFileHandle _handle;
    bool _fallocateUnsupported;

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

    public bool Reserve(long length) => NativeFile.Reserve(_handle, length, ref _fallocateUnsupported);

    public void Sync() => NativeFile.SyncData(_handle);

    public void Dispose() => _handle.Dispose();
}
