using Borealis.Common.IO;

namespace Borealis.Storage.Segments;

/// <summary>
/// One open log file (of the node log, or a segment log of earlier versions being read); frames are appended at
/// <see cref="Length"/>. The file itself may be longer: the
/// bytes from <see cref="Length"/> to <see cref="Reserved"/> are zeros reserved for the next appends
/// (<see cref="IStorageFile.Reserve"/>), so that an append changes no file metadata and its sync flushes data only.
/// </summary>
internal sealed class LogFile(string name, ulong number, IStorageFile file, long length, long reserved = 0)
{
    public string Name { get; } = name;

    public ulong Number { get; } = number;

    public IStorageFile File { get; } = file;

    /// <summary>Frames held in memory whose bytes are in this file: at 0 (and with every older file at 0) it can go.</summary>
    public int LiveFrames { get; set; }

    /// <summary>Where the frames end and the next one goes.</summary>
    public long Length { get; set; } = length;

    /// <summary>The file's length as this log left it (at least <see cref="Length"/>); zeros above <see cref="Length"/>.</summary>
    public long Reserved { get; private set; } = Math.Max(length, reserved);

    /// <summary>Writes <paramref name="bytes"/> at <see cref="Length"/> (no sync), reserving space first when needed; returns their offset.</summary>
    public long Append(ReadOnlySpan<byte> bytes)
    {
        long offset = Length;
        long end = offset + bytes.Length;
        if (end > Reserved)
        {
            long target = NativeFile.ReserveAheadTarget(end);
            // A full disk reserves nothing: the write below extends the file, or fails like any write.
            if (File.Reserve(target))
                Reserved = target;
        }
        File.Write(offset, bytes);
        Length = end;
        Reserved = Math.Max(Reserved, end);
        return offset;
    }

    /// <summary>Cuts the file at <paramref name="offset"/> (a damaged frame): it and everything after it go.</summary>
    public void Cut(long offset)
    {
        File.SetLength(offset);
        Length = Math.Min(Length, offset);
        Reserved = offset;
    }
}
