namespace Borealis.Sql.Execution;

/// <summary>
/// MySQL's user-level locks (GET_LOCK, RELEASE_LOCK, IS_FREE_LOCK, IS_USED_LOCK, RELEASE_ALL_LOCKS): named, held by
/// a connection, re-entrant (each GET_LOCK needs its RELEASE_LOCK), released when the connection ends or is reset.
/// One table per instance; names compare case-insensitively. EF Core's Pomelo provider takes one around Migrate.
/// Not implemented: deadlock detection between sessions waiting for each other's locks (MySQL's 3058).
/// </summary>
internal sealed class UserLocks
{
    // A plain object: waiters use Monitor.Wait/PulseAll, which System.Threading.Lock does not offer.
    readonly object _gate = new();
    readonly Dictionary<string, (uint Owner, int Count)> _held = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>GET_LOCK: true when <paramref name="owner"/> holds the lock, false after <paramref name="timeout"/>
    /// (null: no limit) passed while another connection held it.</summary>
    public bool Get(string name, uint owner, TimeSpan? timeout)
    {
        long deadline = timeout is { } t ? Environment.TickCount64 + (long)Math.Max(0, t.TotalMilliseconds) : long.MaxValue;
        lock (_gate)
        {
            while (true)
            {
                if (!_held.TryGetValue(name, out var held))
                {
                    _held[name] = (owner, 1);
                    return true;
                }
                if (held.Owner == owner)
                {
                    _held[name] = (owner, held.Count + 1);
                    return true;
                }
                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                    return false;
                Monitor.Wait(_gate, (int)Math.Min(left, int.MaxValue));
            }
        }
    }

    /// <summary>RELEASE_LOCK: 1 when released once, 0 when another connection holds it, null when nobody does.</summary>
    public long? Release(string name, uint owner)
    {
        lock (_gate)
        {
            if (!_held.TryGetValue(name, out var held))
                return null;
            if (held.Owner != owner)
                return 0;
            if (held.Count > 1)
            {
                _held[name] = (owner, held.Count - 1);
            }
            else
            {
                _held.Remove(name);
                Monitor.PulseAll(_gate);
            }
            return 1;
        }
    }

    /// <summary>IS_USED_LOCK: the connection holding the lock, or null.</summary>
    public uint? Holder(string name)
    {
        lock (_gate)
            return _held.TryGetValue(name, out var held) ? held.Owner : null;
    }

    /// <summary>RELEASE_ALL_LOCKS and the end of a connection: how many holds were released.</summary>
    public long ReleaseAll(uint owner)
    {
        lock (_gate)
        {
            long released = 0;
            foreach (var (name, held) in _held.Where(h => h.Value.Owner == owner).ToList())
            {
                released += held.Count;
                _held.Remove(name);
            }
            if (released > 0)
                Monitor.PulseAll(_gate);
            return released;
        }
    }
}
