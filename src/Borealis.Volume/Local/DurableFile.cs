using Borealis.Common.IO;

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
    public static void FlushDirectory(string directory) => NativeFile.SyncDirectory(directory);
}
