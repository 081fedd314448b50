
namespace Borealis.Storage.Tests;

/// <summary>
/// An in-memory <see cref="IStorageDisk"/> that keeps the durability contract honestly: <see cref="Crash"/> keeps
/// only synced bytes of files whose names were made durable by <see cref="SyncDirectory"/>. Damage helpers flip
/// bytes or tear tails "on the platter" (they survive a crash).
/// </summary>
public sealed class MemoryStorageDisk : IStorageDisk
{
    Dictionary<string, Data> _names = new(StringComparer.Ordinal);
    Dictionary<string, Data> _durableNames = new(StringComparer.Ordinal);

    public int FileSyncs { get; private set; }

    public int DirectorySyncs { get; private set; }

    /// <summary>When set, the mutation that brings it to zero throws an <see cref="IOException"/> instead of happening
    /// (and so does every later one until it is cleared): a crash point for the next <see cref="Crash"/>.</summary>
    public int? FailAfter { get; set; }

    /// <summary>When set, <see cref="IStorageFile.Reserve"/> finds no room (ENOSPC) and changes nothing; writes still fit.</summary>
    public bool NoRoomToReserve { get; set; }

    /// <summary>Mutations done (creations, writes, truncations, syncs, deletions, renames).</summary>
    public int Mutations { get; private set; }

    void Mutate()
    {
        Mutations++;
        if (FailAfter is null)
            return;
        if (FailAfter <= 1)
        {
            FailAfter = 0;
            throw new IOException("Injected failure.");
        }
        FailAfter--;
    }

    public IStorageFile Open(string name, bool create)
    {
        if (!_names.TryGetValue(name, out var data))
        {
            if (!create)
                throw new FileNotFoundException(name);
            Mutate();
            _names[name] = data = new Data();
        }
        return new File(this, data);
    }

    public bool Exists(string name) => _names.ContainsKey(name);

    public IReadOnlyList<string> List(string prefix) =>
        [.. _names.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    public void Delete(string name)
    {
        Mutate();
        _names.Remove(name);
    }

    public void Rename(string source, string destination)
    {
        Mutate();
        if (!_names.Remove(source, out var data))
            throw new FileNotFoundException(source);
        _names[destination] = data;
    }

    public void SyncDirectory()
    {
        Mutate();
        DirectorySyncs++;
        _durableNames = new Dictionary<string, Data>(_names, StringComparer.Ordinal);
    }

    /// <summary>A power loss: every unsynced byte and every unsynced name change is lost.</summary>
    public void Crash()
    {
        FailAfter = null;
        _names = new Dictionary<string, Data>(_durableNames, StringComparer.Ordinal);
        foreach (var data in _names.Values)
            data.Content = [.. data.Synced];
    }

    public IReadOnlyList<string> Names => [.. _names.Keys.Order(StringComparer.Ordinal)];

    public long LengthOf(string name) => _names[name].Content.Count;

    public byte[] ReadAll(string name) => [.. _names[name].Content];

    /// <summary>Damage on the medium: flips a byte in the current and the synced content.</summary>
    public void FlipByte(string name, long offset)
    {
        var data = _names[name];
        data.Content[(int)offset] ^= 0xFF;
        if (offset < data.Synced.Length)
            data.Synced[offset] ^= 0xFF;
    }

    /// <summary>A torn write that made it to the medium: bytes written at <paramref name="offset"/> (the file grows if needed) and synced.</summary>
    public void WriteDurably(string name, long offset, ReadOnlySpan<byte> bytes)
    {
        var data = _names[name];
        while (data.Content.Count < offset + bytes.Length)
            data.Content.Add(0);
        for (int i = 0; i < bytes.Length; i++)
            data.Content[(int)offset + i] = bytes[i];
        data.Synced = [.. data.Content];
    }

    sealed class Data
    {
        public List<byte> Content = [];
        public byte[] Synced = [];
    }

    sealed class File(MemoryStorageDisk disk, Data data) : IStorageFile
    {
        bool _disposed;

        public long Length => data.Content.Count;

        public int Read(long offset, Span<byte> destination)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int n = (int)Math.Clamp(data.Content.Count - offset, 0, destination.Length);
            for (int i = 0; i < n; i++)
                destination[i] = data.Content[(int)offset + i];
            return n;
        }

        public void Write(long offset, ReadOnlySpan<byte> source)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            disk.Mutate();
            while (data.Content.Count < offset + source.Length)
                data.Content.Add(0);
            for (int i = 0; i < source.Length; i++)
                data.Content[(int)offset + i] = source[i];
        }

        public void SetLength(long length)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            disk.Mutate();
            if (length < data.Content.Count)
                data.Content.RemoveRange((int)length, data.Content.Count - (int)length);
            while (data.Content.Count < length)
                data.Content.Add(0);
        }

        public bool Reserve(long length)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (disk.NoRoomToReserve)
                return false;
            if (length > Length)
                SetLength(length);
            return true;
        }

        public void Sync()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            disk.Mutate();
            disk.FileSyncs++;
            data.Synced = [.. data.Content];
        }

        public void Dispose() => _disposed = true;
    }
}
