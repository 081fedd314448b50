namespace Borealis.Engine.Vfs;

/// <summary>
/// A file held in process memory: temporary databases, statement journals and any journal file. Used by one
/// SQLite connection at a time, like any file SQLite opens.
/// </summary>
internal sealed class MemoryFile : VfsFile
{
    byte[] _data = [];
    long _size;

    public MemoryFile(string? name, bool deleteOnClose)
    {
        Name = name;
        DeleteOnClose = deleteOnClose;
    }

    /// <summary>The file's name, or null for a temporary file.</summary>
    public string? Name { get; }

    public bool DeleteOnClose { get; }

    public override int Read(Span<byte> destination, long offset)
    {
        long available = Math.Max(0, Math.Min(destination.Length, _size - offset));
        if (available > 0)
            _data.AsSpan((int)offset, (int)available).CopyTo(destination);
        if (available == destination.Length)
            return SqliteNative.Ok;
        destination[(int)available..].Clear();
        return SqliteNative.IoErrShortRead;
    }

    public override int Write(ReadOnlySpan<byte> source, long offset)
    {
        long end = offset + source.Length;
        if (end > Array.MaxLength)
            return SqliteNative.IoErrWrite;
        if (end > _data.Length)
        {
            long capacity = Math.Max(end, Math.Min(Array.MaxLength, Math.Max(4096, _data.Length * 2L)));
            Array.Resize(ref _data, (int)capacity);
        }
        if (offset > _size)
            _data.AsSpan((int)_size, (int)(offset - _size)).Clear();
        source.CopyTo(_data.AsSpan((int)offset));
        _size = Math.Max(_size, end);
        return SqliteNative.Ok;
    }

    public override int Truncate(long size)
    {
        if (size < _size)
            _size = Math.Max(0, size);
        return SqliteNative.Ok;
    }

    public override long GetSize() => _size;

    public override void Close()
    {
        if (DeleteOnClose && Name is not null)
            BorealisVfs.DeleteNamedFile(Name);
    }
}
