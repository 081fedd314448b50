using Borealis.Common;
using Borealis.Engine.Vfs;
using SQLitePCL;

namespace Borealis.Engine;

/// <summary>
/// One SQLite connection on a <see cref="Database"/>. Not thread-safe: one MySQL session uses it at a time.
/// The SQL layer runs statements on <see cref="Handle"/> with SQLitePCLRaw's <c>raw</c> API.
/// </summary>
/// <remarks>
/// Protocol for the SQL layer: call <see cref="AcquireWriteLockAsync"/> before a statement that may write (or
/// before the first write of an explicit transaction), <see cref="EndStatement"/> after every statement, and
/// <see cref="WaitForDurableAsync"/> before sending a reply. A write attempted without the lock takes it only if
/// it is free at once; otherwise the statement fails with SQLITE_BUSY.
/// </remarks>
public sealed class DatabaseConnection : IDisposable
{
    readonly Database _database;
    readonly MainFile _file;
    bool _disposed;
    // Multi-master: this statement already caught up with the volume (CatchUpAsync); reset by EndStatement.
    bool _caughtUp;

    internal DatabaseConnection(Database database, sqlite3 handle, MainFile file)
    {
        _database = database;
        _file = file;
        Handle = handle;
    }

    /// <summary>The native connection. Never close it directly: dispose this object.</summary>
    public sqlite3 Handle { get; }

    public Database Database => _database;

    /// <summary>True while this connection's transaction (or next autocommit statement) holds the write lock.</summary>
    public bool HoldsWriteLock => _file.HoldsWriteLock;

    /// <summary>True while SQLite has a transaction open on this connection (explicit BEGIN not yet ended).</summary>
    public bool InTransaction => raw.sqlite3_get_autocommit(Handle) == 0;

    /// <summary>
    /// The highest LSN that what this connection has returned so far depends on: the read point of its reads and
    /// the commit LSN of its writes. A reply must not leave the instance before the volume's durable LSN covers it.
    /// </summary>
    public Lsn ReplyLsn => _file.ReplyLsn;

    /// <summary>The read point of the open read transaction, or null when none is open.</summary>
    public Lsn? ReadPoint => _file.PinnedSnapshot?.Lsn;

    /// <summary>
    /// The last exception the VFS turned into an SQLite error on this connection (for example the
    /// <see cref="Borealis.Volume.VolumeException"/> behind a commit that failed with SQLITE_IOERR), or null.
    /// </summary>
    public Exception? LastIoError => _file.LastError;

    /// <summary>
    /// Takes the database write lock before the first write of a transaction (or of an autocommit statement), waiting
    /// up to <see cref="DatabaseOptions.LockWaitTimeout"/>. Writers are serialised; readers are never blocked.
    /// </summary>
    /// <remarks>
    /// If an explicit transaction has read at an older read point and written nothing, its snapshot is moved to the
    /// newest commit (the SQLite transaction is restarted; savepoints are lost), so that a write is never based on a
    /// stale page: as in InnoDB, writes read the latest committed data. No-op when the lock is already held.
    /// The lock is released by <see cref="EndStatement"/> once no transaction is open, or by <see cref="Dispose"/>.
    /// On a volume shared by several writers, the writer first catches up to the volume's newest commit
    /// (<see cref="Database.CatchUpAsync"/>); the lock then serialises this writer's transactions only.
    /// </remarks>
    /// <exception cref="LockWaitTimeoutException">The lock was not granted in time.</exception>
    public async ValueTask AcquireWriteLockAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_database.Options.ReadOnly)
            throw new DatabaseReadOnlyException();
        if (_file.HoldsWriteLock)
        {
            _file.AdoptWriteLock();
            return;
        }
        // Completes synchronously (no allocation) when the lock is free.
        if (!await _database.WriteLock.WaitAsync(_database.Options.LockWaitTimeout, cancellationToken))
            throw new LockWaitTimeoutException();
        _file.TakeWriteLock();
        if (_database.Shared is not null && !_caughtUp)
        {
            // Multi-master: first apply everything already committed on the volume, by any writer.
            try
            {
                await _database.CatchUpAsync(cancellationToken);
            }
            catch
            {
                _file.ReleaseWriteLock();
                throw;
            }
        }
        if (InTransaction && _file.PinnedSnapshot is { } snapshot && snapshot.Lsn < _database.CommittedLsn && !_file.HasWritten)
            RestartTransaction();
    }

    void RestartTransaction()
    {
        int rc = raw.sqlite3_exec(Handle, "ROLLBACK; BEGIN");
        if (rc != raw.SQLITE_OK)
        {
            string message = raw.sqlite3_errmsg(Handle).utf8_to_string();
            _file.ReleaseWriteLock();
            throw new InvalidOperationException($"Restarting the transaction on the newest snapshot failed: {message}");
        }
    }

    /// <summary>
    /// Multi-master: applies everything committed on the volume by any writer now (<see cref="Database.CatchUpAsync"/>),
    /// for the statement about to run; its write then takes the lock without asking the volume again.
    /// </summary>
    public async ValueTask CatchUpAsync(CancellationToken cancellationToken)
    {
        await _database.CatchUpAsync(cancellationToken);
        _caughtUp = true;
    }

    /// <summary>Call after every statement: releases the write lock when no transaction remains open.</summary>
    public void EndStatement()
    {
        _caughtUp = false;
        if (_file.HoldsWriteLock)
            _file.EndStatement(InTransaction);
    }

    /// <summary>Waits until the volume's durable LSN covers <see cref="ReplyLsn"/>.</summary>
    public ValueTask WaitForDurableAsync(CancellationToken cancellationToken)
    {
        var lsn = ReplyLsn;
        return _database.Volume.DurableLsn >= lsn
            ? ValueTask.CompletedTask
            : _database.Volume.WaitForDurableAsync(lsn, cancellationToken);
    }

    /// <summary>Statistics hook for tests and metrics: page reads this connection served from the cache.</summary>
    internal long CacheHits => _file.CacheHits;

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (InTransaction)
            raw.sqlite3_exec(Handle, "ROLLBACK");
        EndStatement();
        raw.sqlite3_close_v2(Handle);
        // If SQLite deferred the close (unfinalised statements), the lock must not wait for it.
        _file.ReleaseWriteLock();
    }
}
