using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Volume;

namespace Borealis.Engine.Tests;

/// <summary>
/// A replica's view of the writer's volume: reads go to the shared volume, but only at or below the durable LSN the
/// test has announced (as a replica learns VDL from the writer's stream); appends are refused.
/// </summary>
internal sealed class ReplicaViewVolume(IVolume shared, Lsn start) : IVolume
{
    long _durable = (long)start.Value;

    public int PageSize => shared.PageSize;

    public VolumeEpoch Epoch => shared.Epoch;

    public Lsn DurableLsn => new((ulong)Interlocked.Read(ref _durable));

    public Lsn AppendedLsn => DurableLsn;

    /// <summary>Reads at or below the announced durable LSN; a read above it is a bug in the replica.</summary>
    public long ReadsAboveDurable;

    public void AdvanceDurable(Lsn vdl) => Interlocked.Exchange(ref _durable, (long)vdl.Value);

    public AppendResult Append(RedoBatch batch) => throw new VolumeException("read-only replica");

    public ValueTask WaitForDurableAsync(Lsn lsn, CancellationToken cancellationToken) =>
        lsn <= DurableLsn ? ValueTask.CompletedTask : throw new InvalidOperationException($"a replica waited for {lsn} above its VDL {DurableLsn}");

    public Lsn ReadPage(PageId page, Lsn asOf, Span<byte> destination)
    {
        if (asOf > DurableLsn)
            Interlocked.Increment(ref ReadsAboveDurable);
        return shared.ReadPage(page, asOf, destination);
    }

    public uint GetPageCount(Lsn asOf) => shared.GetPageCount(asOf);

    public void SetReadHorizon(Lsn oldestReadPoint)
    {
        // The writer owns the shared volume's horizon (it takes the replica's oldest read point into account).
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
