using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Volume;

namespace Borealis.Engine.Tests;

/// <summary>A volume that keeps nothing: for measuring the engine alone, with a cache large enough to never miss.</summary>
internal sealed class SinkVolume : IVolume
{
    ulong _appended;

    public int PageSize => 4096;

    public VolumeEpoch Epoch { get; } = new(1);

    public Lsn DurableLsn => new(Volatile.Read(ref _appended));

    public Lsn AppendedLsn => new(Volatile.Read(ref _appended));

    public AppendResult Append(RedoBatch batch)
    {
        var first = new Lsn(_appended + 1);
        _appended += (ulong)batch.Records.Count;
        return new AppendResult(first, new Lsn(_appended));
    }

    public ValueTask WaitForDurableAsync(Lsn lsn, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public Lsn ReadPage(PageId page, Lsn asOf, Span<byte> destination)
    {
        // Only pages never written are read back when the cache never evicts.
        destination.Clear();
        return Lsn.Zero;
    }

    public uint GetPageCount(Lsn asOf) => 0;

    public void SetReadHorizon(Lsn oldestReadPoint)
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
