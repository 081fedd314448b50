using Borealis.Storage;

namespace Borealis.Simulation.Tests;

/// <summary>
/// An in-memory <see cref="IStorageDisk"/> that enforces the durability contract and breaks everything it allows:
/// a write is durable only after <see cref="IStorageFile.Sync"/>, a create/delete/rename only after
/// <see cref="SyncDirectory"/>. <see cref="Crash"/> keeps every synced byte and, of the unsynced writes, a random
/// prefix or subset, the last ones possibly torn; of the unsynced directory operations a random prefix.
/// <see cref="FlipRandomBit"/> damages stored data; <see cref="TransientErrorRate"/> makes I/O calls fail.
/// </summary>
/// <remarks>
/// Each file keeps its current bytes plus an undo list of the writes since its last sync, so a sync is O(1) and
/// a crash rebuilds the durable image by undoing them, then replays the ones that "reached the platter".
/// </remarks>
public sealed partial class SimDisk : IStorageDisk
{
    const int Sector = 512;

    readonly SortedDictionary<string, Inode> _names = new(StringComparer.Ordinal);
    Dictionary<string, Inode> _durableNames = new(StringComparer.Ordinal);
    readonly List<DirectoryOp> _directoryOps = [];
    SimRandom? _errorRandom;
    int _generation;

    /// <summary>Probability that a read, write, sync or open fails with an <see cref="IOException"/>.</summary>
    public double TransientErrorRate { get; private set; }

    /// <summary>I/O errors injected so far.</summary>
    public int InjectedErrors { get; private set; }

    /// <summary>Writes cut short by crashes so far.</summary>
    public int TornWrites { get; private set; }

    /// <summary>Unsynced writes lost whole by crashes so far.</summary>
    public int LostWrites { get; private set; }

    /// <summary>Bit flips so far.</summary>
    public int BitFlips { get; private set; }

    public void SetTransientErrors(double rate, SimRandom random)
    {
        TransientErrorRate = rate;
        _errorRandom = random;
    }

    public IStorageFile Open(string name, bool create)
    {
        MaybeFail("open", name);
        if (!_names.TryGetValue(name, out var inode))
        {
            if (!create)
                throw new FileNotFoundException($"Simulated file '{name}' does not exist.", name);
            inode = new Inode();
            _names[name] = inode;
            _directoryOps.Add(new DirectoryOp(DirectoryOpKind.Create, name, null, inode));
        }
        return new SimFile(this, inode, name);
    }

    public bool Exists(string name) => _names.ContainsKey(name);

    public IReadOnlyList<string> List(string prefix) =>
        [.. _names.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal))];

    public void Delete(string name)
    {
        if (_names.Remove(name))
            _directoryOps.Add(new DirectoryOp(DirectoryOpKind.Delete, name, null, null));
    }

    public void Rename(string source, string destination)
    {
        MaybeFail("rename", source);
        if (!_names.Remove(source, out var inode))
            throw new FileNotFoundException($"Simulated file '{source}' does not exist.", source);
        _names[destination] = inode;
        _directoryOps.Add(new DirectoryOp(DirectoryOpKind.Rename, source, destination, inode));
    }

    public void SyncDirectory()
    {
        MaybeFail("sync directory", "");
        _directoryOps.Clear();
        _durableNames = new Dictionary<string, Inode>(_names, StringComparer.Ordinal);
    }

    /// <summary>Total bytes stored (current view).</summary>
    public long TotalBytes => _names.Values.Distinct().Sum(i => i.Length);

    /// <summary>
    /// Power loss: every synced byte survives; of each file's unsynced writes a random prefix (the next one torn)
    /// or a random subset of sectors survives; of the unsynced directory operations a random prefix. Open handles
    /// become invalid.
    /// </summary>
    public void Crash(SimRandom random)
    {
        var inodes = new HashSet<Inode>(ReferenceEqualityComparer.Instance);
        foreach (var inode in _names.Values)
            inodes.Add(inode);
        foreach (var inode in _durableNames.Values)
            inodes.Add(inode);
        foreach (var op in _directoryOps)
        {
            if (op.Inode is not null)
                inodes.Add(op.Inode);
        }
        foreach (var inode in inodes.OrderBy(i => i.Id))
            CrashInode(inode, random);

        var names = new Dictionary<string, Inode>(_durableNames, StringComparer.Ordinal);
        int keep = random.Next(_directoryOps.Count + 1);
        for (int i = 0; i < keep; i++)
        {
            var op = _directoryOps[i];
            switch (op.Kind)
            {
                case DirectoryOpKind.Create:
                    names.TryAdd(op.Name, op.Inode!);
                    break;
                case DirectoryOpKind.Delete:
                    names.Remove(op.Name);
                    break;
                case DirectoryOpKind.Rename:
                    if (names.Remove(op.Name, out var moved))
                        names[op.Destination!] = moved;
                    break;
            }
        }
        _directoryOps.Clear();
        _names.Clear();
        foreach (var (name, inode) in names)
            _names[name] = inode;
        _durableNames = new Dictionary<string, Inode>(names, StringComparer.Ordinal);
        _generation++;
    }

    /// <summary>The disk is lost for good: nothing survives.</summary>
    public void Wipe()
    {
        _names.Clear();
        _durableNames.Clear();
        _directoryOps.Clear();
        _generation++;
    }

    /// <summary>Flips one bit of stored data in a random non-empty file; returns where, or null when the disk is empty.</summary>
    public string? FlipRandomBit(SimRandom random)
    {
        var candidates = _names.Where(kv => kv.Value.Length > 0).ToList();
        if (candidates.Count == 0)
            return null;
        var (name, inode) = candidates[random.Next(candidates.Count)];
        long offset = random.NextInt64(0, inode.Length);
        int bit = random.Next(8);
        inode.Data[offset] ^= (byte)(1 << bit);
        BitFlips++;
        return $"{name}@{offset}.{bit}";
    }

    void CrashInode(Inode inode, SimRandom random)
    {
        if (inode.Pending.Count == 0)
            return;
        var pending = inode.Pending.ToList();
        inode.Pending.Clear();
        for (int i = pending.Count - 1; i >= 0; i--)
            pending[i].Undo(inode);

        // Mode 0: a prefix of the writes survives and the next one is torn. Mode 1: any subset of sectors.
        if (random.Chance(0.5))
        {
            int kept = random.Next(pending.Count + 1);
            for (int i = 0; i < kept; i++)
                pending[i].Redo(inode, 0, int.MaxValue);
            if (kept < pending.Count && pending[kept].NewBytes is { Length: > 0 } bytes && random.Chance(0.5))
            {
                int length = random.Next(bytes.Length);
                pending[kept].Redo(inode, 0, length);
                TornWrites++;
                kept++;
            }
            LostWrites += pending.Count - kept;
        }
        else
        {
            foreach (var write in pending)
            {
                if (write.NewBytes is not { Length: > 0 } bytes)
                {
                    if (random.Chance(0.5))
                        write.Redo(inode, 0, int.MaxValue);
                    continue;
                }
                int sectors = (bytes.Length + Sector - 1) / Sector;
                int keptSectors = 0;
                for (int s = 0; s < sectors; s++)
                {
                    if (random.Chance(0.5))
                    {
                        write.Redo(inode, s * Sector, Math.Min(bytes.Length, (s + 1) * Sector) - s * Sector);
                        keptSectors++;
                    }
                }
                if (keptSectors == 0)
                    LostWrites++;
                else if (keptSectors < sectors)
                    TornWrites++;
            }
        }
    }

    void MaybeFail(string operation, string name)
    {
        if (_errorRandom is not null && TransientErrorRate > 0 && _errorRandom.Chance(TransientErrorRate))
        {
            InjectedErrors++;
            throw new IOException($"Simulated I/O error ({operation} {name}).");
        }
    }

    void CheckHandle(int generation, string name)
    {
        if (generation != _generation)
            throw new InvalidOperationException($"Simulated file '{name}' was used after a crash through a handle opened before it.");
    }

    enum DirectoryOpKind
    {
        Create,
        Delete,
        Rename,
    }

    readonly record struct DirectoryOp(DirectoryOpKind Kind, string Name, string? Destination, Inode? Inode);
}
