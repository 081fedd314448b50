using System.Collections.Concurrent;

namespace Borealis.Sql.Execution;

/// <summary>
/// The highest AUTO_INCREMENT id this server gave out per table (by SQLite name), committed or not. InnoDB never gives
/// an id out twice: one taken by an insert that failed, was ignored or rolled back is skipped. SQLite's own counter
/// (sqlite_sequence) rolls back with its transaction, so after such an event a session chooses the next id as the
/// higher of the two; otherwise SQLite's choice is already right and costs nothing to check.
/// </summary>
/// <remarks>
/// Held in memory: after a restart (or a failover) the counter is SQLite's again, so ids given out but never
/// committed before it can be given out again, as in MySQL before 8.0; so can ids of inserts undone by a user's
/// ROLLBACK TO SAVEPOINT. DDL forgets every table (a table dropped and created again, TRUNCATE and ALTER TABLE …
/// AUTO_INCREMENT set the counter themselves). Not used with several writers, whose ids this server does not see.
/// </remarks>
internal sealed class AutoIncrementIds
{
    readonly ConcurrentDictionary<string, Entry> _tables = new(StringComparer.Ordinal);

    sealed class Entry
    {
        public long Given;

        /// <summary>The database's rolled-back write count when SQLite's counter was last known to be past <see cref="Given"/>; -1: not known.</summary>
        public long CheckedAt = -1;
    }

    public bool TryGetGiven(string table, out long id)
    {
        id = _tables.TryGetValue(table, out var entry) ? Interlocked.Read(ref entry.Given) : 0;
        return entry is not null;
    }

    /// <summary>Notes an id given out. <paramref name="spent"/>: no committed row may hold it (SQLite's counter may be behind).</summary>
    public void NoteGiven(string table, long id, bool spent)
    {
        var entry = _tables.GetOrAdd(table, _ => new Entry());
        lock (entry)
        {
            if (id > entry.Given)
                Interlocked.Exchange(ref entry.Given, id);
            if (spent)
                entry.CheckedAt = -1;
        }
    }

    /// <summary>
    /// Whether SQLite's next id for <paramref name="table"/> may be at or below an id given out: an id was spent, or
    /// a write transaction rolled back since the last check (<paramref name="rolledBackWrites"/>).
    /// </summary>
    public bool MayBeBehind(string table, long rolledBackWrites, out long given)
    {
        given = 0;
        if (!_tables.TryGetValue(table, out var entry))
            return false;
        lock (entry)
        {
            given = entry.Given;
            return entry.CheckedAt != rolledBackWrites;
        }
    }

    /// <summary>SQLite's next id is past every id given out (as of <paramref name="rolledBackWrites"/>).</summary>
    public void Caught(string table, long rolledBackWrites)
    {
        if (_tables.TryGetValue(table, out var entry))
        {
            lock (entry)
                entry.CheckedAt = rolledBackWrites;
        }
    }

    public void Forget() => _tables.Clear();
}
