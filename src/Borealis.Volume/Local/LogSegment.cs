using Borealis.Common;
using Microsoft.Win32.SafeHandles;

namespace Borealis.Volume.Local;

/// <summary>One log segment file, <c>log/NNNNNN.log</c>. Only the newest segment is written; the others are sealed.</summary>
internal sealed class LogSegment(ulong number, string path, SafeFileHandle handle, Lsn firstLsn, long length) : IDisposable
{
    public ulong Number { get; } = number;

    public string Path { get; } = path;

    public SafeFileHandle Handle { get; } = handle;

    /// <summary>The first LSN a frame of this segment may hold.</summary>
    public Lsn FirstLsn { get; } = firstLsn;

    /// <summary>Bytes written (header included). Changed by the flusher only, read under the volume lock.</summary>
    public long Length { get; set; } = length;

    /// <summary>
    /// The file's length as the flusher left it, at least <see cref="Length"/>: the zeros above <see cref="Length"/>
    /// are space reserved for the next frames, so that writing them changes no file metadata. Flusher only.
    /// </summary>
    public long Reserved { get; set; } = length;

    /// <summary>The commit LSN of the last frame written here (<c>FirstLsn - 1</c> while empty).</summary>
    public Lsn LastCommit { get; set; } = new(firstLsn.Value - 1);

    public static string FileName(ulong number) => $"{number:D6}.log";

    public static bool TryParseFileName(string fileName, out ulong number)
    {
        number = 0;
        return fileName.EndsWith(".log", StringComparison.Ordinal)
            && ulong.TryParse(fileName.AsSpan(0, fileName.Length - 4), System.Globalization.NumberStyles.None, null, out number)
            && number > 0;
    }

    public void Dispose() => Handle.Dispose();
}
