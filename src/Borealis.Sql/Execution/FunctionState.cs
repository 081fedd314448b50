using Borealis.Sql.Errors;

namespace Borealis.Sql.Execution;

/// <summary>Per-session state the SQLite callbacks read and write while a statement runs.</summary>
internal sealed class FunctionState
{
    public bool Strict { get; set; } = true;

    /// <summary>The instance's user-level locks and this session's connection id (GET_LOCK and friends).</summary>
    public UserLocks? UserLocks { get; set; }

    public uint ConnectionId { get; set; }

    /// <summary>The session's user variables, which <c>@name := value</c> sets while a statement runs.</summary>
    public Dictionary<string, object?> UserVariables { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>1-based row number for error messages.</summary>
    public long Row { get; set; } = 1;

    public List<SqlWarning> Warnings { get; } = [];

    /// <summary>@@foreign_key_checks of the session: read by the FK triggers through __bx_fkc().</summary>
    public bool ForeignKeyChecks { get; set; } = true;

    /// <summary>RAND(N) generators of the current statement, by call site and seed (MySQL seeds once per statement).</summary>
    public Dictionary<(long Site, long Seed), (ulong Seed1, ulong Seed2)> RandomStates { get; } = [];

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

    /// <summary>Rows __bx_set saw (matched by the UPDATE or the ON DUPLICATE KEY UPDATE), changed or not.</summary>
    public long MatchedRows { get; set; }

    public bool AnySetCall { get; set; }

    public void ResetTracking()
    {
        LastRowid = long.MinValue;
        LastRowCounted = false;
        ChangedRows = 0;
        MatchedRows = 0;
        AnySetCall = false;
    }
}
