using System.Runtime.InteropServices;

namespace Borealis.Engine.Vfs;

/// <summary>
/// The parts of the SQLite C API that SQLitePCLRaw does not wrap, bound to the same native library it loads
/// (<c>e_sqlite3</c>), plus the constants the VFS uses.
/// </summary>
internal static unsafe partial class SqliteNative
{
    const string Library = "e_sqlite3";

    public const int Ok = 0;
    public const int Error = 1;
    public const int Busy = 5;
    public const int ReadOnly = 8;
    public const int IoErr = 10;
    public const int NotFound = 12;
    public const int CantOpen = 14;
    public const int IoErrShortRead = IoErr | (2 << 8);
    public const int IoErrWrite = IoErr | (3 << 8);
    public const int IoErrFsync = IoErr | (4 << 8);
    public const int IoErrTruncate = IoErr | (6 << 8);
    public const int IoErrLock = IoErr | (15 << 8);
    public const int IoErrUnlock = IoErr | (8 << 8);

    public const int OpenDeleteOnClose = 0x00000008;
    public const int OpenMainDb = 0x00000100;

    public const int LockNone = 0;
    public const int LockShared = 1;
    public const int LockReserved = 2;
    public const int LockPending = 3;
    public const int LockExclusive = 4;

    public const int FcntlFilePointer = 7;
    public const int FcntlSync = 21;
    public const int FcntlCommitPhaseTwo = 22;

    public const int IoCapSafeAppend = 0x00000200;
    public const int IoCapSequential = 0x00000400;
    public const int IoCapUndeletableWhenOpen = 0x00000800;
    public const int IoCapPowersafeOverwrite = 0x00001000;

    [LibraryImport(Library, EntryPoint = "sqlite3_vfs_register")]
    public static partial int VfsRegister(Sqlite3Vfs* vfs, int makeDefault);

    [LibraryImport(Library, EntryPoint = "sqlite3_file_control")]
    public static partial int FileControl(IntPtr db, byte* dbName, int op, void* arg);
}
