using Borealis.Sql.Errors;

namespace Borealis.Sql.Execution;

/// <summary>Per-session state the SQLite callbacks read and write while a statement runs.</summary>
internal sealed class FunctionState
{
    public bool Strict { get; set; } = true;

    /// <summary>The instance's user-level locks and this session's connection id (GET_LOCK and friends).</summary>
    public UserLocks? UserLocks { get; set; }

    public uint ConnectionId { get; set; }

    /// <summary>1-based row number for error messages.</summary>
    public long Row { get; set; } = 1;

    public List<SqlWarning> Warnings { get; } = [];

    /// <summary>Rows produced by recursive CTE members in the current statement.</summary>
    public long RecursionRows { get; set; }

    /// <summary>Set by LAST_INSERT_ID(expr) during the statement.</summary>
    public long? LastInsertIdOverride { get; set; }

    /// <summary>A MySQL error raised inside a callback; the statement's failure is reported as this error.</summary>
    public MySqlErrorException? PendingError { get; set; }

    // __bx_set change tracking: rows whose assignments changed at least one value.
    public long LastRowid { get; set; } = long.MinValue;

    public bool LastRowCounted { get; set; }

    public long ChangedRows { get; set; }

    public bool AnySetCall { get; set; }

    public void ResetTracking()
    {
        LastRowid = long.MinValue;
        LastRowCounted = false;
        ChangedRows = 0;
        AnySetCall = false;
    }
}
