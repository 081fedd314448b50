using Borealis.Common;

namespace Borealis.Engine;

/// <summary>A point-in-time view of a <see cref="Database"/>'s counters (for /metrics and tests).</summary>
/// <param name="CacheHits">Page reads served by the buffer cache since the database opened.</param>
/// <param name="CacheMisses">Page reads that went to the volume.</param>
/// <param name="CacheBytes">Bytes of page versions held by the buffer cache now.</param>
/// <param name="CacheBudgetBytes">The cache's bound (<see cref="DatabaseOptions.CacheBytes"/>).</param>
/// <param name="CachedVersions">Page versions held now.</param>
/// <param name="Evictions">Page versions dropped to stay within the bound.</param>
/// <param name="Commits">Write transactions committed since the database opened.</param>
/// <param name="CommittedLsn">The newest commit (<see cref="Database.CommittedLsn"/>).</param>
/// <param name="DurableLsn">The volume's durable LSN (<see cref="Database.DurableLsn"/>).</param>
/// <param name="OldestReadPoint">The oldest read point pinned by a connection (the newest commit when none is).</param>
/// <param name="Connections">Open connections.</param>
public sealed record DatabaseStatistics(
    long CacheHits,
    long CacheMisses,
    long CacheBytes,
    long CacheBudgetBytes,
    long CachedVersions,
    long Evictions,
    long Commits,
    Lsn CommittedLsn,
    Lsn DurableLsn,
    Lsn OldestReadPoint,
    int Connections);
