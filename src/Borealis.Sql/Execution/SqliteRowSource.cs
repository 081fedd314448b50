using Borealis.Sql.Errors;
using Borealis.Sql.Results;
using SQLitePCL;

namespace Borealis.Sql.Execution;

/// <summary>Streams the rows of a running SQLite statement; the first row may already have been stepped.</summary>
internal sealed class SqliteRowSource(sqlite3 db, sqlite3_stmt stmt, FunctionState state, bool firstRowReady) : IRowSource
{
    bool _pending = firstRowReady;
    bool _done = !firstRowReady;
    bool _started;

    public long RowsRead { get; private set; }

    public bool Read()
    {
        if (_pending)
        {
            _pending = false;
            _started = true;
            RowsRead++;
            return true;
        }
        if (_done && _started)
            return false;
        if (_done && !_started)
        {
            _started = true;
            return false;
        }
        int rc = raw.sqlite3_step(stmt);
        if (rc == raw.SQLITE_ROW)
        {
            RowsRead++;
            return true;
        }
        _done = true;
        if (rc == raw.SQLITE_DONE)
            return false;
        var pending = state.PendingError;
        state.PendingError = null;
        throw pending ?? SqliteUtil.Translate(db, rc, null);
    }

    public ValueKind GetKind(int ordinal) => (ValueKind)raw.sqlite3_column_type(stmt, ordinal) switch
    {
        (ValueKind)raw.SQLITE_INTEGER => ValueKind.Integer,
        (ValueKind)raw.SQLITE_FLOAT => ValueKind.Real,
        (ValueKind)raw.SQLITE_TEXT => ValueKind.Text,
        (ValueKind)raw.SQLITE_BLOB => ValueKind.Blob,
        _ => ValueKind.Null,
    };

    public long GetInt64(int ordinal) => raw.sqlite3_column_int64(stmt, ordinal);

    public double GetDouble(int ordinal) => raw.sqlite3_column_double(stmt, ordinal);

    public ReadOnlySpan<byte> GetBytes(int ordinal) => raw.sqlite3_column_blob(stmt, ordinal);

    /// <summary>Drains the remaining rows (used when a sink did not read to the end).</summary>
    public void Drain()
    {
        _pending = false;
        while (!_done)
        {
            int rc = raw.sqlite3_step(stmt);
            if (rc != raw.SQLITE_ROW)
                _done = true;
        }
    }

    public static void ThrowIfError(int rc, sqlite3 db, FunctionState state)
    {
        if (rc is raw.SQLITE_ROW or raw.SQLITE_DONE)
            return;
        var pending = state.PendingError;
        state.PendingError = null;
        throw pending ?? SqliteUtil.Translate(db, rc, null);
    }

    public static MySqlErrorException Error(int rc, sqlite3 db, FunctionState state)
    {
        var pending = state.PendingError;
        state.PendingError = null;
        return pending ?? SqliteUtil.Translate(db, rc, null);
    }
}
