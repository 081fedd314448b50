using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Borealis.Common.IO;

/// <summary>
/// The file calls .NET does not offer, for logs that must be durable and cheap to sync: fallocate, fdatasync, and the
/// fsync of a directory.
/// </summary>
/// <remarks>
/// A log appended into space reserved ahead with <see cref="Reserve"/> and synced with <see cref="SyncData"/> costs one
/// data flush per sync: the append changes no file metadata, and fdatasync skips the timestamps. Measured on the dev VM
/// (ext4, 700-byte appends): fsync of a growing file 119–127 µs and about 50 µs of CPU; fdatasync into reserved space
/// 80–98 µs and 30–40 µs of CPU.
/// </remarks>
public static class NativeFile
{
    /// <summary>The least a log reserves ahead of its end; the reservation then grows with the log, up to <see cref="MaxReserveAhead"/>.</summary>
    public const long MinReserveAhead = 64 * 1024;

    public const long MaxReserveAhead = 4 * 1024 * 1024;

    /// <summary>
    /// The length to <see cref="Reserve"/> for a log whose next write ends at <paramref name="end"/>: that, plus as much
    /// again as the log holds (<see cref="MinReserveAhead"/> to <see cref="MaxReserveAhead"/>), in whole 4 KiB blocks.
    /// </summary>
    public static long ReserveAheadTarget(long end) => (end + Math.Clamp(end, MinReserveAhead, MaxReserveAhead) + 4095) & ~4095L;

    /// <summary>
    /// Makes the file at least <paramref name="length"/> bytes long, the new bytes zeros, with their blocks allocated
    /// where the file system can (fallocate), so that later writes below <paramref name="length"/> change no metadata.
    /// Where it cannot (<paramref name="unsupported"/> is then set, and skips the attempt next time), the file is just
    /// extended.
    /// </summary>
    /// <returns>False, with the file unchanged, when the disk has no room (writes may still fit).</returns>
    /// <exception cref="IOException">fallocate failed for another reason.</exception>
    public static bool Reserve(SafeFileHandle handle, long length, ref bool unsupported)
    {
        ArgumentNullException.ThrowIfNull(handle);
        long current = RandomAccess.GetLength(handle);
        if (length <= current)
            return true;
        if (!unsupported && !OperatingSystem.IsWindows())
        {
            // Mode 0: allocate and extend the length; the new bytes read as zeros.
            if (NativeFallocate(Descriptor(handle), 0, current, length - current) == 0)
                return true;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == ENoSpc)
                return false;
            if (errno is not (EOpNotSupp or ENoSys))
                throw new IOException($"fallocate of {length - current} bytes failed (errno {errno}).");
            unsupported = true; // A file system without fallocate (some network ones).
        }
        RandomAccess.SetLength(handle, length);
        return true;
    }

    /// <summary>fdatasync: every byte written so far, and the length, survive a crash (timestamps may not).</summary>
    /// <exception cref="IOException">The sync failed: what was written since the last good sync is in an unknown state.</exception>
    public static void SyncData(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (OperatingSystem.IsWindows())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }
        if (NativeFdatasync(Descriptor(handle)) != 0)
            throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    /// <summary>Makes the directory's entries (created, renamed or deleted files) durable. A no-op on Windows.</summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
            return;
        byte[] path = System.Text.Encoding.UTF8.GetBytes(directory + "\0");
        int fd = NativeOpen(path, 0 /* O_RDONLY */);
        if (fd < 0)
            throw new IOException($"Cannot open directory '{directory}' to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (NativeFsync(fd) != 0)
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = NativeClose(fd);
        }
    }

    static int Descriptor(SafeFileHandle handle) => (int)handle.DangerousGetHandle();

    const int ENoSpc = 28;
    const int EOpNotSupp = 95;
    const int ENoSys = 38;

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which only the engine allows.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    static extern int NativeFallocate(int fd, int mode, long offset, long length);

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    static extern int NativeFdatasync(int fd);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    static extern int NativeOpen(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    static extern int NativeFsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    static extern int NativeClose(int fd);
#pragma warning restore SYSLIB1054
}
