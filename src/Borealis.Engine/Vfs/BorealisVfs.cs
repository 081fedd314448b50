using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Borealis.Engine.Vfs;

/// <summary>
/// The "borealis" SQLite VFS, registered once per process. Main database files are routed by name to the
/// <see cref="Database"/> registered under that name (each database gets a unique name); every other file
/// (temporary files, journals) lives in memory. Every callback is <c>[UnmanagedCallersOnly]</c> and never
/// throws: an exception becomes an SQLite error code and is kept in <see cref="VfsFile.LastError"/>.
/// </summary>
internal static unsafe class BorealisVfs
{
    /// <summary>The name connections pass to <c>sqlite3_open_v2</c>.</summary>
    public const string Name = "borealis";

    static readonly Lock s_registerLock = new();
    static readonly ConcurrentDictionary<string, Database> s_databases = new(StringComparer.Ordinal);
    static readonly ConcurrentDictionary<string, MemoryFile> s_namedFiles = new(StringComparer.Ordinal);
    static int s_namedFileCount;
    static long s_nextDatabaseId;
    static Sqlite3IoMethods* s_ioMethods;
    static bool s_registered;

    /// <summary>Registers the VFS (once) and the database under a new unique file name, which it returns.</summary>
    public static string RegisterDatabase(Database database)
    {
        EnsureRegistered();
        string name = $"borealis-{Environment.ProcessId}-{Interlocked.Increment(ref s_nextDatabaseId)}.db";
        s_databases[name] = database;
        return name;
    }

    public static void UnregisterDatabase(string name) => s_databases.TryRemove(name, out _);

    public static void DeleteNamedFile(string name)
    {
        if (s_namedFiles.TryRemove(name, out _))
            Interlocked.Decrement(ref s_namedFileCount);
    }

    /// <summary>The main-database file of an open connection (<c>SQLITE_FCNTL_FILE_POINTER</c>).</summary>
    public static MainFile GetMainFile(IntPtr db)
    {
        Sqlite3File* file = null;
        int rc;
        fixed (byte* main = "main"u8)
            rc = SqliteNative.FileControl(db, main, SqliteNative.FcntlFilePointer, &file);
        if (rc != SqliteNative.Ok || file == null || file->PMethods == null)
            throw new InvalidOperationException($"The connection has no Borealis main file (rc {rc}).");
        return (MainFile)GCHandle.FromIntPtr(file->Handle).Target!;
    }

    static void EnsureRegistered()
    {
        lock (s_registerLock)
        {
            if (s_registered)
                return;

            var methods = (Sqlite3IoMethods*)NativeMemory.AllocZeroed((nuint)sizeof(Sqlite3IoMethods));
            methods->IVersion = 1;
            methods->XClose = &XClose;
            methods->XRead = &XRead;
            methods->XWrite = &XWrite;
            methods->XTruncate = &XTruncate;
            methods->XSync = &XSync;
            methods->XFileSize = &XFileSize;
            methods->XLock = &XLock;
            methods->XUnlock = &XUnlock;
            methods->XCheckReservedLock = &XCheckReservedLock;
            methods->XFileControl = &XFileControl;
            methods->XSectorSize = &XSectorSize;
            methods->XDeviceCharacteristics = &XDeviceCharacteristics;
            s_ioMethods = methods;

            ReadOnlySpan<byte> name = "borealis\0"u8;
            var zName = (byte*)NativeMemory.Alloc((nuint)name.Length);
            name.CopyTo(new Span<byte>(zName, name.Length));

            // Allocated once and never freed: SQLite keeps the pointer for the life of the process.
            var vfs = (Sqlite3Vfs*)NativeMemory.AllocZeroed((nuint)sizeof(Sqlite3Vfs));
            vfs->IVersion = 2;
            vfs->SzOsFile = sizeof(Sqlite3File);
            vfs->MxPathname = 512;
            vfs->ZName = zName;
            vfs->XOpen = &XOpen;
            vfs->XDelete = &XDelete;
            vfs->XAccess = &XAccess;
            vfs->XFullPathname = &XFullPathname;
            vfs->XDlOpen = &XDlOpen;
            vfs->XDlError = &XDlError;
            vfs->XDlSym = &XDlSym;
            vfs->XDlClose = &XDlClose;
            vfs->XRandomness = &XRandomness;
            vfs->XSleep = &XSleep;
            vfs->XCurrentTime = &XCurrentTime;
            vfs->XGetLastError = &XGetLastError;
            vfs->XCurrentTimeInt64 = &XCurrentTimeInt64;
            int rc = SqliteNative.VfsRegister(vfs, 0);
            if (rc != SqliteNative.Ok)
                throw new InvalidOperationException($"sqlite3_vfs_register failed with {rc}.");
            s_registered = true;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static VfsFile FileOf(Sqlite3File* file) => Unsafe.As<VfsFile>(GCHandle.FromIntPtr(file->Handle).Target!);

    // ---- sqlite3_vfs ----

    [UnmanagedCallersOnly]
    static int XOpen(Sqlite3Vfs* vfs, byte* zName, Sqlite3File* file, int flags, int* outFlags)
    {
        file->PMethods = null;
        file->Handle = IntPtr.Zero;
        try
        {
            VfsFile opened;
            if ((flags & SqliteNative.OpenMainDb) != 0)
            {
                if (zName == null)
                    return SqliteNative.CantOpen;
                string name = Marshal.PtrToStringUTF8((IntPtr)zName)!;
                if (!s_databases.TryGetValue(name, out var database))
                    return SqliteNative.CantOpen;
                opened = database.OpenMainFile();
            }
            else if (zName == null)
            {
                opened = new MemoryFile(null, deleteOnClose: true);
            }
            else
            {
                string name = Marshal.PtrToStringUTF8((IntPtr)zName)!;
                bool deleteOnClose = (flags & SqliteNative.OpenDeleteOnClose) != 0;
                var created = new MemoryFile(name, deleteOnClose);
                opened = s_namedFiles.GetOrAdd(name, created);
                if (ReferenceEquals(opened, created))
                    Interlocked.Increment(ref s_namedFileCount);
            }
            file->Handle = GCHandle.ToIntPtr(GCHandle.Alloc(opened));
            file->PMethods = s_ioMethods;
            if (outFlags != null)
                *outFlags = flags;
            return SqliteNative.Ok;
        }
#pragma warning disable CA1031 // A native callback must never throw.
        catch (Exception)
#pragma warning restore CA1031
        {
            if (file->Handle != IntPtr.Zero)
                GCHandle.FromIntPtr(file->Handle).Free();
            file->Handle = IntPtr.Zero;
            file->PMethods = null;
            return SqliteNative.CantOpen;
        }
    }

    [UnmanagedCallersOnly]
    static int XDelete(Sqlite3Vfs* vfs, byte* zName, int syncDir)
    {
        try
        {
            if (zName != null && Volatile.Read(ref s_namedFileCount) > 0)
                DeleteNamedFile(Marshal.PtrToStringUTF8((IntPtr)zName)!);
            return SqliteNative.Ok;
        }
#pragma warning disable CA1031 // A native callback must never throw.
        catch (Exception)
#pragma warning restore CA1031
        {
            return SqliteNative.IoErr;
        }
    }

    [UnmanagedCallersOnly]
    static int XAccess(Sqlite3Vfs* vfs, byte* zName, int flags, int* resOut)
    {
        try
        {
            *resOut = 0;
            if (zName == null)
                return SqliteNative.Ok;
            // Hot path: at every read transaction SQLite asks whether "<db>-journal" and "<db>-wal" exist. They
            // never do unless some named file is open, so answer without building a string.
            var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(zName);
            bool sidecar = name.EndsWith("-journal"u8) || name.EndsWith("-wal"u8) || name.EndsWith("-shm"u8);
            if (sidecar && Volatile.Read(ref s_namedFileCount) == 0)
                return SqliteNative.Ok;
            string text = Encoding.UTF8.GetString(name);
            if (s_databases.ContainsKey(text) || s_namedFiles.ContainsKey(text))
                *resOut = 1;
            return SqliteNative.Ok;
        }
#pragma warning disable CA1031 // A native callback must never throw.
        catch (Exception)
#pragma warning restore CA1031
        {
            return SqliteNative.IoErr;
        }
    }

    [UnmanagedCallersOnly]
    static int XFullPathname(Sqlite3Vfs* vfs, byte* zName, int nOut, byte* zOut)
    {
        try
        {
            var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(zName);
            if (name.Length + 1 > nOut)
                return SqliteNative.CantOpen;
            name.CopyTo(new Span<byte>(zOut, nOut));
            zOut[name.Length] = 0;
            return SqliteNative.Ok;
        }
#pragma warning disable CA1031 // A native callback must never throw.
        catch (Exception)
#pragma warning restore CA1031
        {
            return SqliteNative.CantOpen;
        }
    }

    [UnmanagedCallersOnly]
    static void* XDlOpen(Sqlite3Vfs* vfs, byte* zFilename) => null;

    [UnmanagedCallersOnly]
    static void XDlError(Sqlite3Vfs* vfs, int nByte, byte* zErrMsg)
    {
        if (nByte > 0 && zErrMsg != null)
            zErrMsg[0] = 0;
    }

    [UnmanagedCallersOnly]
    static void* XDlSym(Sqlite3Vfs* vfs, void* handle, byte* zSymbol) => null;

    [UnmanagedCallersOnly]
    static void XDlClose(Sqlite3Vfs* vfs, void* handle)
    {
    }

    [UnmanagedCallersOnly]
    static int XRandomness(Sqlite3Vfs* vfs, int nByte, byte* zOut)
    {
        try
        {
            Random.Shared.NextBytes(new Span<byte>(zOut, nByte));
            return nByte;
        }
#pragma warning disable CA1031 // A native callback must never throw.
        catch (Exception)
#pragma warning restore CA1031
        {
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    static int XSleep(Sqlite3Vfs* vfs, int microseconds)
    {
        try
        {
            Thread.Sleep(TimeSpan.FromMicroseconds(microseconds));
            return microseconds;
        }
#pragma warning disable CA1031 // A native callback must never throw.
        catch (Exception)
#pragma warning restore CA1031
        {
            return 0;
        }
    }

    /// <summary>The Julian day of the Unix epoch, in milliseconds.</summary>
    const long UnixEpochJulianMs = 210866760000000L;

    [UnmanagedCallersOnly]
    static int XCurrentTime(Sqlite3Vfs* vfs, double* now)
    {
        *now = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + UnixEpochJulianMs) / 86400000.0;
        return SqliteNative.Ok;
    }

    [UnmanagedCallersOnly]
    static int XGetLastError(Sqlite3Vfs* vfs, int nByte, byte* zErrMsg)
    {
        if (nByte > 0 && zErrMsg != null)
            zErrMsg[0] = 0;
        return 0;
    }

    [UnmanagedCallersOnly]
    static int XCurrentTimeInt64(Sqlite3Vfs* vfs, long* now)
    {
        *now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + UnixEpochJulianMs;
        return SqliteNative.Ok;
    }

    // ---- sqlite3_io_methods ----

    [UnmanagedCallersOnly]
    static int XClose(Sqlite3File* file)
    {
        if (file->Handle == IntPtr.Zero)
            return SqliteNative.Ok;
        var handle = GCHandle.FromIntPtr(file->Handle);
        try
        {
            Unsafe.As<VfsFile>(handle.Target!).Close();
            return SqliteNative.Ok;
        }
#pragma warning disable CA1031 // A native callback must never throw.
        catch (Exception)
#pragma warning restore CA1031
        {
            return SqliteNative.IoErr;
        }
        finally
        {
            handle.Free();
            file->Handle = IntPtr.Zero;
        }
    }

    [UnmanagedCallersOnly]
    static int XRead(Sqlite3File* file, byte* buffer, int amount, long offset)
    {
        var f = FileOf(file);
        try
        {
            return f.Read(new Span<byte>(buffer, amount), offset);
        }
#pragma warning disable CA1031 // A native callback must never throw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            f.LastError = ex;
            return SqliteNative.IoErr;
        }
    }

    [UnmanagedCallersOnly]
    static int XWrite(Sqlite3File* file, byte* buffer, int amount, long offset)
    {
        var f = FileOf(file);
        try
        {
            return f.Write(new ReadOnlySpan<byte>(buffer, amount), offset);
        }
#pragma warning disable CA1031 // A native callback must never throw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            f.LastError = ex;
            return SqliteNative.IoErrWrite;
        }
    }

    [UnmanagedCallersOnly]
    static int XTruncate(Sqlite3File* file, long size)
    {
        var f = FileOf(file);
        try
        {
            return f.Truncate(size);
        }
#pragma warning disable CA1031 // A native callback must never throw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            f.LastError = ex;
            return SqliteNative.IoErrTruncate;
        }
    }

    [UnmanagedCallersOnly]
    static int XSync(Sqlite3File* file, int flags) => SqliteNative.Ok;

    [UnmanagedCallersOnly]
    static int XFileSize(Sqlite3File* file, long* size)
    {
        var f = FileOf(file);
        try
        {
            *size = f.GetSize();
            return SqliteNative.Ok;
        }
#pragma warning disable CA1031 // A native callback must never throw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            f.LastError = ex;
            return SqliteNative.IoErr;
        }
    }

    [UnmanagedCallersOnly]
    static int XLock(Sqlite3File* file, int level)
    {
        var f = FileOf(file);
        try
        {
            return f.Lock(level);
        }
#pragma warning disable CA1031 // A native callback must never throw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            f.LastError = ex;
            return SqliteNative.IoErrLock;
        }
    }

    [UnmanagedCallersOnly]
    static int XUnlock(Sqlite3File* file, int level)
    {
        var f = FileOf(file);
        try
        {
            return f.Unlock(level);
        }
#pragma warning disable CA1031 // A native callback must never throw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            f.LastError = ex;
            return SqliteNative.IoErrUnlock;
        }
    }

    [UnmanagedCallersOnly]
    static int XCheckReservedLock(Sqlite3File* file, int* resOut)
    {
        // Only asked when a hot journal exists, and journals never outlive a connection here.
        *resOut = 0;
        return SqliteNative.Ok;
    }

    [UnmanagedCallersOnly]
    static int XFileControl(Sqlite3File* file, int op, void* arg)
    {
        var f = FileOf(file);
        try
        {
            return f.FileControl(op, arg);
        }
#pragma warning disable CA1031 // A native callback must never throw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            f.LastError = ex;
            return SqliteNative.IoErr;
        }
    }

    [UnmanagedCallersOnly]
    static int XSectorSize(Sqlite3File* file) => 4096;

    [UnmanagedCallersOnly]
    static int XDeviceCharacteristics(Sqlite3File* file) =>
        SqliteNative.IoCapPowersafeOverwrite | SqliteNative.IoCapSafeAppend | SqliteNative.IoCapSequential
        | SqliteNative.IoCapUndeletableWhenOpen;
}
