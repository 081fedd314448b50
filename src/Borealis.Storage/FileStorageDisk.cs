using System.Runtime.InteropServices;

namespace Borealis.Storage;

/// <summary>
/// An <see cref="IStorageDisk"/> over a real directory: files through <see cref="RandomAccess"/> on a
/// <see cref="Microsoft.Win32.SafeHandles.SafeFileHandle"/>, fsync through <see cref="RandomAccess.FlushToDisk"/>, and
/// directory fsync by opening the directory with open(2) and fsync(2) (.NET cannot open a directory as a file).
/// </summary>
public sealed class FileStorageDisk : IStorageDisk
{
    public FileStorageDisk(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public IStorageFile Open(string name, bool create)
    {
        var handle = File.OpenHandle(PathOf(name), create ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        return new FileStorageFile(handle);
    }

    public bool Exists(string name) => File.Exists(PathOf(name));

    public IReadOnlyList<string> List(string prefix)
    {
        var names = new List<string>();
        foreach (string path in System.IO.Directory.EnumerateFiles(Directory))
        {
            string name = Path.GetFileName(path);
            if (name.StartsWith(prefix, StringComparison.Ordinal))
                names.Add(name);
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public void Delete(string name) => File.Delete(PathOf(name));

    public void Rename(string source, string destination) => File.Move(PathOf(source), PathOf(destination), overwrite: true);

    public void SyncDirectory()
    {
        if (OperatingSystem.IsWindows())
            return;
        byte[] path = System.Text.Encoding.UTF8.GetBytes(Directory + "\0");
        int fd = NativeOpen(path, 0 /* O_RDONLY */);
        if (fd < 0)
            throw new IOException($"Cannot open directory '{Directory}' to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (NativeFsync(fd) != 0)
                throw new IOException($"fsync of directory '{Directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = NativeClose(fd);
        }
    }

    string PathOf(string name)
    {
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name is "." or "..")
            throw new ArgumentException($"'{name}' is not a plain file name.", nameof(name));
        return Path.Combine(Directory, name);
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which only the engine allows.
#pragma warning disable SYSLIB1054
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
