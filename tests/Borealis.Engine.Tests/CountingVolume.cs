using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Volume;

namespace Borealis.Engine.Tests;

/// <summary>An <see cref="IVolume"/> wrapper that counts what the engine appends and can fail appends and reads on demand; it also checks that no read goes below the promised read horizon.</summary>
internal sealed class CountingVolume(IVolume inner) : IVolume
{
    long _batches;
    long _records;
    long _deltaBytes;
    long _horizon;
    long _belowHorizonReads;
    long _pageReads;

    public IVolume Inner { get; } = inner;

    public long Batches => Interlocked.Read(ref _batches);

    public long Records => Interlocked.Read(ref _records);

    public long DeltaBytes => Interlocked.Read(ref _deltaBytes);

    /// <summary>When set, the next appends throw a <see cref="VolumeException"/>.</summary>
    public bool FailAppends { get; set; }

    /// <summary>When set, page reads throw a <see cref="VolumeException"/>.</summary>
    public bool FailReads { get; set; }

    public RedoBatch? LastBatch { get; private set; }

    /// <summary>The read horizon the engine promised (reads below it are counted as violations).</summary>
    public Lsn Horizon => new((ulong)Interlocked.Read(ref _horizon));

    /// <summary>Reads that asked for a version below the promised horizon: must stay zero.</summary>
    public long BelowHorizonReads => Interlocked.Read(ref _belowHorizonReads);

    public long PageReads => Interlocked.Read(ref _pageReads);

    public int PageSize => Inner.PageSize;

    public VolumeEpoch Epoch => Inner.Epoch;

    public Lsn DurableLsn => Inner.DurableLsn;

    public Lsn AppendedLsn => Inner.AppendedLsn;

    public AppendResult Append(RedoBatch batch)
    {
        if (FailAppends)
            throw new VolumeException("Injected append failure.", isTransient: true);
        var result = Inner.Append(batch);
        LastBatch = batch;
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _records, batch.Records.Count);
        foreach (var record in batch.Records)
            Interlocked.Add(ref _deltaBytes, record.Delta.Length);
        return result;
    }

    public ValueTask WaitForDurableAsync(Lsn lsn, CancellationToken cancellationToken) =>
        Inner.WaitForDurableAsync(lsn, cancellationToken);

    public Lsn ReadPage(PageId page, Lsn asOf, Span<byte> destination)
    {
        Interlocked.Increment(ref _pageReads);
        if (FailReads)
            throw new VolumeException("Injected read failure.", isTransient: true);
        if (asOf < Horizon)
            Interlocked.Increment(ref _belowHorizonReads);
        return Inner.ReadPage(page, asOf, destination);
    }

    public uint GetPageCount(Lsn asOf) => Inner.GetPageCount(asOf);

    public void SetReadHorizon(Lsn oldestReadPoint)
    {
        if (oldestReadPoint < Horizon)
            throw new InvalidOperationException($"The read horizon moved back from {Horizon} to {oldestReadPoint}.");
        Interlocked.Exchange(ref _horizon, (long)oldestReadPoint.Value);
        Inner.SetReadHorizon(oldestReadPoint);
    }

    public ValueTask DisposeAsync() => Inner.DisposeAsync();
}
