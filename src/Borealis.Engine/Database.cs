using Borealis.Common;
using Borealis.Volume;
using SQLitePCL;

namespace Borealis.Engine;

/// <summary>
/// One instance's database: SQLite over the Borealis VFS on one volume. All MySQL schemas live in this one SQLite
/// database (one page space), so a transaction over several schemas commits as one redo batch.
/// </summary>
/// <remarks>
/// Concurrency model (see docs/architecture.md):
/// <list type="bullet">
/// <item>Any number of connections read at once; a read transaction pins a read point (an LSN) for its life.</item>
/// <item>One transaction at a time holds the write lock (<see cref="DatabaseConnection.AcquireWriteLockAsync"/>);
/// readers never block it, and it never blocks readers.</item>
/// <item>A commit becomes one redo batch appended to the volume; it is visible to new read points at once, but
/// no reply that depends on it may leave the instance before the volume's durable LSN covers it
/// (<see cref="DatabaseConnection.WaitForDurableAsync"/>).</item>
/// </list>
/// </remarks>
public sealed partial class Database : IAsyncDisposable
{
    static readonly Lock s_initLock = new();
    static bool s_initialized;

    readonly SemaphoreSlim _writeLock = new(1, 1);
    readonly string _path;

    Database(IVolume volume, DatabaseOptions options, string path)
    {
        Volume = volume;
        Options = options;
        _path = path;
    }

    /// <summary>The volume this database stands on.</summary>
    public IVolume Volume { get; }

    public DatabaseOptions Options { get; }

    /// <summary>The newest commit: new read points start here.</summary>
    public Lsn CommittedLsn => Volume.AppendedLsn;

    /// <summary>Opens the database on <paramref name="volume"/> (an empty volume becomes an empty database).</summary>
    public static Database Open(IVolume volume, DatabaseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        EnsureSqliteInitialized();
        // Interim implementation: a private SQLite file in WAL mode stands in for the VFS so that the layers above
        // can be built against the final API. The VFS-backed engine replaces it.
        var path = Path.Combine(Path.GetTempPath(), $"borealis-{Guid.NewGuid():N}.db");
        return new Database(volume, options ?? new DatabaseOptions(), path);
    }

    /// <summary>Opens a new SQLite connection on this database. Each MySQL session owns one.</summary>
    public DatabaseConnection OpenConnection()
    {
        int rc = raw.sqlite3_open_v2(_path, out var handle, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE | raw.SQLITE_OPEN_NOMUTEX, null);
        if (rc != raw.SQLITE_OK)
            throw new InvalidOperationException($"sqlite3_open_v2 failed: {raw.sqlite3_errstr(rc).utf8_to_string()}");
        raw.sqlite3_exec(handle, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA busy_timeout=50000;");
        return new DatabaseConnection(this, handle);
    }

    internal SemaphoreSlim WriteLock => _writeLock;

    public ValueTask DisposeAsync()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_path + suffix);
        _writeLock.Dispose();
        return ValueTask.CompletedTask;
    }

    static void EnsureSqliteInitialized()
    {
        lock (s_initLock)
        {
            if (s_initialized)
                return;
            Batteries_V2.Init();
            s_initialized = true;
        }
    }
}
