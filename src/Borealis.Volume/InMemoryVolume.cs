using Borealis.Common;
using Borealis.Common.Redo;

namespace Borealis.Volume;

/// <summary>
/// A volume held in memory: every page version is kept, appends are durable at once. For tests of the layers
/// above, and the reference the durable implementations are checked against.
/// </summary>
public sealed class InMemoryVolume : IVolume
{
    readonly Lock _lock = new();
    readonly Dictionary<PageId, List<(Lsn Lsn, byte[] Image)>> _pages = [];
    readonly List<(Lsn Lsn, uint PageCount)> _sizes = [(Lsn.Zero, 0)];
    Lsn _appended;
    bool _disposed;

    public InMemoryVolume(int pageSize = 4096) => PageSize = pageSize;

    public int PageSize { get; }

    public VolumeEpoch Epoch { get; } = new(1);

    public Lsn DurableLsn { get { lock (_lock) return _appended; } }

    public Lsn AppendedLsn { get { lock (_lock) return _appended; } }

    public AppendResult Append(RedoBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Records.Count == 0)
            throw new ArgumentException("A batch has at least one record.", nameof(batch));
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var first = _appended.Next;
            var lsn = _appended;
            foreach (var record in batch.Records)
            {
                lsn = lsn.Next;
                var versions = GetVersions(record.Page);
                var current = versions.Count == 0 ? Lsn.Zero : versions[^1].Lsn;
                if (current != record.PreviousLsn)
                    throw new InvalidOperationException($"Redo for page {record.Page} applies to version {record.PreviousLsn}, but the volume holds {current}.");
                var image = versions.Count == 0 ? new byte[PageSize] : (byte[])versions[^1].Image.Clone();
                PageDelta.Apply(record.Delta.Span, image);
                versions.Add((lsn, image));
            }
            _sizes.Add((lsn, batch.PageCount));
            _appended = lsn;
            return new AppendResult(first, lsn);
        }
    }

    public ValueTask WaitForDurableAsync(Lsn lsn, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public Lsn ReadPage(PageId page, Lsn asOf, Span<byte> destination)
    {
        lock (_lock)
        {
            if (_pages.TryGetValue(page, out var versions))
            {
                for (int i = versions.Count - 1; i >= 0; i--)
                {
                    if (versions[i].Lsn <= asOf)
                    {
                        versions[i].Image.CopyTo(destination);
                        return versions[i].Lsn;
                    }
                }
            }
            destination[..PageSize].Clear();
            return Lsn.Zero;
        }
    }

    public uint GetPageCount(Lsn asOf)
    {
        lock (_lock)
        {
            for (int i = _sizes.Count - 1; i >= 0; i--)
            {
                if (_sizes[i].Lsn <= asOf)
                    return _sizes[i].PageCount;
            }
            return 0;
        }
    }

    public void SetReadHorizon(Lsn oldestReadPoint)
    {
        // Keeps every version: tests read at any point.
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
            _disposed = true;
        return ValueTask.CompletedTask;
    }

    List<(Lsn Lsn, byte[] Image)> GetVersions(PageId page)
    {
        if (!_pages.TryGetValue(page, out var versions))
            _pages[page] = versions = [];
        return versions;
    }
}
