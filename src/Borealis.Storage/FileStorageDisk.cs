using Borealis.Common.IO;

namespace Borealis.Storage;

/// <summary>
/// An <see cref="IStorageDisk"/> over a real directory: files through <see cref="RandomAccess"/> on a
/// <see cref="Microsoft.Win32.SafeHandles.SafeFileHandle"/>, fsync through <see cref="RandomAccess.FlushToDisk"/>, and
/// directory fsync through <see cref="NativeFile.SyncDirectory"/> (.NET cannot open a directory as a file).
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

    public void SyncDirectory() => NativeFile.SyncDirectory(Directory);

    string PathOf(string name)
    {
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name is "." or "..")
            throw new ArgumentException($"'{name}' is not a plain file name.", nameof(name));
        return Path.Combine(Directory, name);
    }
}
