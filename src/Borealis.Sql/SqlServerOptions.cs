namespace Borealis.Sql;

/// <summary>The identity and mode of the instance the SQL layer serves.</summary>
public sealed record SqlServerOptions
{
    /// <summary>@@aurora_server_id: the instance id.</summary>
    public string ServerId { get; init; } = "borealis-1";

    /// <summary>@@hostname.</summary>
    public string Hostname { get; init; } = Environment.MachineName;

    /// <summary>
    /// True on a read replica: every statement that would write the database (DML, DDL other than on temporary
    /// tables, LOAD DATA, account and routine statements) fails with 1290, and @@read_only / @@innodb_read_only are 1.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>The port the MySQL endpoint listens on (@@port).</summary>
    public int Port { get; init; } = 3306;

    /// <summary>The accounts, listed by <c>mysql.user</c> (every account may do everything: there are no grants).</summary>
    public IReadOnlyList<AccountInfo> Accounts { get; init; } = [];

    /// <summary>
    /// The rows of <c>information_schema.replica_host_status</c>, asked for on every query of that table (called on a
    /// session's thread; keep it cheap). Null: one row for this instance (<c>MASTER_SESSION_ID</c> unless
    /// <see cref="ReadOnly"/>).
    /// </summary>
    public Func<IReadOnlyList<ReplicaHostStatus>>? ReplicaStatus { get; init; }

    /// <summary>
    /// What <c>ALTER SYSTEM CRASH [INSTANCE | DISPATCHER | NODE]</c> does (normally: never returns, the process dies).
    /// Null: the statement fails with 1235.
    /// </summary>
    public Action<CrashTarget>? Crash { get; init; }
}
