namespace Borealis.Engine.Vfs;

/// <summary>
/// A file opened through the Borealis VFS. Each method is called from a native callback that catches every
/// exception and turns it into an SQLite error code (see <see cref="BorealisVfs"/>); return codes are SQLite's.
/// </summary>
internal abstract class VfsFile
{
    /// <summary>The last exception a callback on this file turned into an error code (for diagnostics).</summary>
    public Exception? LastError { get; set; }

    public abstract int Read(Span<byte> destination, long offset);

    public abstract int Write(ReadOnlySpan<byte> source, long offset);

    public abstract int Truncate(long size);

    public abstract long GetSize();

    public virtual int Lock(int level) => SqliteNative.Ok;

    public virtual int Unlock(int level) => SqliteNative.Ok;

    public virtual unsafe int FileControl(int op, void* arg) => SqliteNative.NotFound;

    public abstract void Close();
}
