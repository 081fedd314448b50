namespace Borealis.Engine.Vfs;

/// <summary>The native <c>sqlite3_vfs</c> (iVersion 2 is used; the version 3 slots stay null).</summary>
/// <see href="https://www.sqlite.org/c3ref/vfs.html"/>
internal unsafe struct Sqlite3Vfs
{
    public int IVersion;
    public int SzOsFile;
    public int MxPathname;
    public Sqlite3Vfs* PNext;
    public byte* ZName;
    public void* PAppData;
    public delegate* unmanaged<Sqlite3Vfs*, byte*, Sqlite3File*, int, int*, int> XOpen;
    public delegate* unmanaged<Sqlite3Vfs*, byte*, int, int> XDelete;
    public delegate* unmanaged<Sqlite3Vfs*, byte*, int, int*, int> XAccess;
    public delegate* unmanaged<Sqlite3Vfs*, byte*, int, byte*, int> XFullPathname;
    public delegate* unmanaged<Sqlite3Vfs*, byte*, void*> XDlOpen;
    public delegate* unmanaged<Sqlite3Vfs*, int, byte*, void> XDlError;
    public delegate* unmanaged<Sqlite3Vfs*, void*, byte*, void*> XDlSym;
    public delegate* unmanaged<Sqlite3Vfs*, void*, void> XDlClose;
    public delegate* unmanaged<Sqlite3Vfs*, int, byte*, int> XRandomness;
    public delegate* unmanaged<Sqlite3Vfs*, int, int> XSleep;
    public delegate* unmanaged<Sqlite3Vfs*, double*, int> XCurrentTime;
    public delegate* unmanaged<Sqlite3Vfs*, int, byte*, int> XGetLastError;
    public delegate* unmanaged<Sqlite3Vfs*, long*, int> XCurrentTimeInt64;
    public void* XSetSystemCall;
    public void* XGetSystemCall;
    public void* XNextSystemCall;
}
