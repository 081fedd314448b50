using System.Runtime.InteropServices;

namespace Borealis.Volume.Local;

/// <summary>Crash-safe small-file replacement and directory fsync.</summary>
internal static class DurableFile
{
    /// <summary>Replaces <paramref name="fileName"/> with <paramref name="data"/>: temp file, fsync, rename, fsync of the directory.</summary>
    public static void WriteAtomically(string directory, string fileName, ReadOnlySpan<byte> data)
    {
        string path = Path.Combine(directory, fileName);
        string temp = path + ".tmp";
        using (var handle = File.OpenHandle(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, data, 0);
            RandomAccess.FlushToDisk(handle);
        }
        File.Move(temp, path, overwrite: true);
        FlushDirectory(directory);
    }

    /// <summary>Makes the directory's entries (created, renamed or deleted files) durable. A no-op on Windows.</summary>
    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
            return;
        byte[] path = System.Text.Encoding.UTF8.GetBytes(directory + "\0");
        int fd = Open(path, 0 /* O_RDONLY */);
        if (fd < 0)
            throw new IOException($"Cannot open directory '{directory}' to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which only the engine allows.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    static extern int Close(int fd);
#pragma warning restore SYSLIB1054
}
