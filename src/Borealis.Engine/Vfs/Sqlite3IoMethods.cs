namespace Borealis.Engine.Vfs;

/// <summary>The native <c>sqlite3_io_methods</c>, used at iVersion 1 (no shared memory, no memory-mapped fetch).</summary>
/// <see href="https://www.sqlite.org/c3ref/io_methods.html"/>
internal unsafe struct Sqlite3IoMethods
{
    public int IVersion;
    public delegate* unmanaged<Sqlite3File*, int> XClose;
    public delegate* unmanaged<Sqlite3File*, byte*, int, long, int> XRead;
    public delegate* unmanaged<Sqlite3File*, byte*, int, long, int> XWrite;
    public delegate* unmanaged<Sqlite3File*, long, int> XTruncate;
    public delegate* unmanaged<Sqlite3File*, int, int> XSync;
    public delegate* unmanaged<Sqlite3File*, long*, int> XFileSize;
    public delegate* unmanaged<Sqlite3File*, int, int> XLock;
    public delegate* unmanaged<Sqlite3File*, int, int> XUnlock;
    public delegate* unmanaged<Sqlite3File*, int*, int> XCheckReservedLock;
    public delegate* unmanaged<Sqlite3File*, int, void*, int> XFileControl;
    public delegate* unmanaged<Sqlite3File*, int> XSectorSize;
    public delegate* unmanaged<Sqlite3File*, int> XDeviceCharacteristics;
    public void* XShmMap;
    public void* XShmLock;
    public void* XShmBarrier;
    public void* XShmUnmap;
    public void* XFetch;
    public void* XUnfetch;
}
