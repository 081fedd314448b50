namespace Borealis.Storage;

/// <summary>
/// A disk that times every fsync (<see cref="IStorageFile.Sync"/> and <see cref="IStorageDisk.SyncDirectory"/>) of
/// the disk it wraps with a <see cref="FsyncMeter"/>; everything else passes through.
/// </summary>
internal sealed class MeteredStorageDisk(IStorageDisk inner, FsyncMeter meter) : IStorageDisk
{
    public IStorageFile Open(string name, bool create) => new MeteredFile(inner.Open(name, create), meter);

    public bool Exists(string name) => inner.Exists(name);

    public IReadOnlyList<string> List(string prefix) => inner.List(prefix);

    public void Delete(string name) => inner.Delete(name);

    public void Rename(string source, string destination) => inner.Rename(source, destination);

    public void SyncDirectory() => meter.Time(inner.SyncDirectory);

    sealed class MeteredFile(IStorageFile inner, FsyncMeter meter) : IStorageFile
    {
        public long Length => inner.Length;

        public int Read(long offset, Span<byte> destination) => inner.Read(offset, destination);

        public void Write(long offset, ReadOnlySpan<byte> source) => inner.Write(offset, source);

        public void SetLength(long length) => inner.SetLength(length);

        public bool Reserve(long length) => inner.Reserve(length);

        public void Sync() => meter.Time(inner.Sync);

        public void Dispose() => inner.Dispose();
    }
}
