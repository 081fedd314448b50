using Borealis.Common;
using SQLitePCL;

namespace Borealis.Engine;

/// <summary>
/// One SQLite connection on a <see cref="Database"/>. Not thread-safe: one MySQL session uses it at a time.
/// The SQL layer runs statements on <see cref="Handle"/> with SQLitePCLRaw's <c>raw</c> API.
/// </summary>
public sealed class DatabaseConnection : IDisposable
{
    readonly Database _database;
    bool _holdsWriteLock;
    bool _disposed;

    internal DatabaseConnection(Database database, sqlite3 handle)
    {
        _database = database;
        Handle = handle;
    }

    /// <summary>The native connection. Never close it directly: dispose this object.</summary>
    public sqlite3 Handle { get; }

    public Database Database => _database;

    /// <summary>True while this connection's transaction (or next autocommit statement) holds the write lock.</summary>
    public bool HoldsWriteLock => _holdsWriteLock;

    /// <summary>True while SQLite has a transaction open on this connection (explicit BEGIN not yet ended).</summary>
    public bool InTransaction => raw.sqlite3_get_autocommit(Handle) == 0;

    /// <summary>
    /// The highest LSN that what this connection has returned so far depends on: the read point of its reads and
    /// the commit LSN of its writes. A reply must not leave the instance before the volume's durable LSN covers it.
    /// </summary>
    public Lsn ReplyLsn { get; private set; }

    /// <summary>
    /// Takes the database write lock before the first write of a transaction (or of an autocommit statement), waiting
    /// up to <see cref="DatabaseOptions.LockWaitTimeout"/>. Writers are serialised; readers are never blocked.
    /// </summary>
    /// <remarks>
    /// If an explicit transaction has read at an older read point and written nothing, its snapshot is moved to the
    /// newest commit (the SQLite transaction is restarted; savepoints are lost), so that a write is never based on a
    /// stale page: as in InnoDB, writes read the latest committed data. No-op when the lock is already held.
    /// </remarks>
    /// <exception cref="LockWaitTimeoutException">The lock was not granted in time.</exception>
    public async ValueTask AcquireWriteLockAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_holdsWriteLock)
            return;
        if (!await _database.WriteLock.WaitAsync(_database.Options.LockWaitTimeout, cancellationToken))
            throw new LockWaitTimeoutException();
        _holdsWriteLock = true;
    }

    /// <summary>Call after every statement: releases the write lock when no transaction remains open.</summary>
    public void EndStatement()
    {
        if (_holdsWriteLock && !InTransaction)
        {
            _holdsWriteLock = false;
            _database.WriteLock.Release();
        }
    }

    /// <summary>Waits until the volume's durable LSN covers <see cref="ReplyLsn"/>.</summary>
    public ValueTask WaitForDurableAsync(CancellationToken cancellationToken) =>
        _database.Volume.WaitForDurableAsync(ReplyLsn, cancellationToken);

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (InTransaction)
            raw.sqlite3_exec(Handle, "ROLLBACK");
        EndStatement();
        raw.sqlite3_close_v2(Handle);
    }
}
