namespace Borealis.Engine;

/// <summary>Settings of one instance's engine.</summary>
public sealed record DatabaseOptions
{
    /// <summary>Upper bound of the multi-version buffer cache (page versions held in memory).</summary>
    public long CacheBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>How long a transaction waits for the write lock before failing (MySQL's innodb_lock_wait_timeout, 50 s).</summary>
    public TimeSpan LockWaitTimeout { get; init; } = TimeSpan.FromSeconds(50);

    /// <summary>
    /// A read replica: no transaction may write (<see cref="DatabaseReadOnlyException"/>); commits arrive only through
    /// <see cref="Database.ApplyReplicated"/>.
    /// </summary>
    public bool ReadOnly { get; init; }
}
