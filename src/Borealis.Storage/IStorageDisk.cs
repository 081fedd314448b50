namespace Borealis.Storage;

/// <summary>
/// The disk a storage node keeps its data on: a flat directory of named files. Synchronous on purpose: the node
/// core is single-threaded and deterministic, so the simulation can replace this with a disk that tears writes at
/// a crash and flips bits. <c>FileStorageDisk</c> is the real one.
/// </summary>
/// <remarks>
/// Durability contract (what the simulated disk enforces): bytes written are durable only after
/// <see cref="IStorageFile.Sync"/> on that file; a created, deleted or renamed name is durable only after
/// <see cref="SyncDirectory"/>. A crash keeps every synced byte, and of the unsynced writes any subset, possibly torn.
/// </remarks>
public interface IStorageDisk
{
    /// <summary>Opens a file for reading and writing, creating it empty when <paramref name="create"/> and it does not exist.</summary>
    /// <exception cref="FileNotFoundException">It does not exist and <paramref name="create"/> is false.</exception>
    IStorageFile Open(string name, bool create);

    bool Exists(string name);

    /// <summary>Names of the files that start with <paramref name="prefix"/>, sorted ordinally.</summary>
    IReadOnlyList<string> List(string prefix);

    void Delete(string name);

    /// <summary>Atomically replaces <paramref name="destination"/> with <paramref name="source"/>.</summary>
    void Rename(string source, string destination);

    /// <summary>Makes creations, deletions and renames durable.</summary>
    void SyncDirectory();
}
