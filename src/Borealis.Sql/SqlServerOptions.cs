namespace Borealis.Sql;

/// <summary>The identity and mode of the instance the SQL layer serves.</summary>
public sealed record SqlServerOptions
{
    /// <summary>@@aurora_server_id: the instance id.</summary>
    public string ServerId { get; init; } = "borealis-1";

    /// <summary>@@hostname.</summary>
    public string Hostname { get; init; } = Environment.MachineName;

    /// <summary>True on a read replica: every write fails with 1290, @@read_only and @@innodb_read_only are 1.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>The port the MySQL endpoint listens on (@@port).</summary>
    public int Port { get; init; } = 3306;

    /// <summary>The accounts, listed by <c>mysql.user</c> (every account may do everything: there are no grants).</summary>
    public IReadOnlyList<AccountInfo> Accounts { get; init; } = [];
}
