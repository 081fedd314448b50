using System.Buffers;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Volume.Local;

namespace Borealis.Volume;

public sealed partial class LocalVolume
{
    /// <summary>
    /// Builds the version of <paramref name="page"/> at <paramref name="asOf"/> into <paramref name="destination"/>:
    /// the base image, then every delta since it up to <paramref name="asOf"/>. The caller holds
    /// <c>_ioGate</c> for reading, or is the checkpointer (the only one that retires files).
    /// </summary>
    /// <returns>The LSN of the version built; <paramref name="baseSlot"/> is the page-store slot of its base.</returns>
    Lsn Materialize(PageId page, Lsn asOf, Span<byte> destination, out int baseSlot)
    {
        int slot;
        Lsn baseLsn;
        Lsn checkpoint;
        Lsn version = Lsn.Zero;
        DeltaSource[]? sources = null;
        int count = 0;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            checkpoint = _checkpointLsn;
            slot = PageState.UnknownSlot;
            baseLsn = Lsn.Zero;
            if (_pages.TryGetValue(page, out var state))
            {
                slot = state.BaseSlot;
                baseLsn = state.BaseLsn;
                var versions = state.Versions;
                count = CountAtOrBelow(versions, asOf);
                if (count > 0)
                {
                    sources = ArrayPool<DeltaSource>.Shared.Rent(count);
                    for (int i = 0; i < count; i++)
                    {
                        var v = versions[i];
                        var frame = v.Frame;
                        sources[i] = frame.Bytes is { } bytes
                            ? new DeltaSource(bytes, null, v.DeltaOffset, v.DeltaLength)
                            : new DeltaSource(null, frame.Segment, frame.Offset + v.DeltaOffset, v.DeltaLength);
                    }
                    version = versions[count - 1].Lsn;
                }
            }
            if (slot == PageState.UnknownSlot && checkpoint == Lsn.Zero)
                slot = PageState.NoSlot;
        }

        try
        {
            if (slot == PageState.UnknownSlot)
            {
                (slot, baseLsn) = _pageStore!.ReadBase(page, checkpoint, destination);
                lock (_lock)
                {
                    // Remember where the base is, unless a checkpoint moved it meanwhile.
                    if (_checkpointLsn == checkpoint)
                    {
                        var state = GetOrAddPage(page);
                        if (state.BaseSlot == PageState.UnknownSlot)
                        {
                            state.BaseSlot = slot;
                            state.BaseLsn = baseLsn;
                        }
                    }
                }
            }
            else if (slot == PageState.NoSlot)
            {
                destination.Clear();
            }
            else
            {
                _pageStore!.ReadImage(page, slot, baseLsn, destination);
            }

            if (baseLsn > asOf)
                throw new ArgumentOutOfRangeException(nameof(asOf), asOf, $"Page {page} is checkpointed at version {baseLsn}; reads must not go below the read horizon.");

            for (int i = 0; i < count; i++)
                ApplyDelta(sources![i], destination);
            baseSlot = slot;
            return count > 0 ? version : baseLsn;
        }
        finally
        {
            if (sources is not null)
                ArrayPool<DeltaSource>.Shared.Return(sources, clearArray: true);
        }
    }

    static void ApplyDelta(DeltaSource source, Span<byte> destination)
    {
        if (source.Bytes is { } bytes)
        {
            PageDelta.Apply(bytes.AsSpan((int)source.Offset, source.Length), destination);
            return;
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(source.Length);
        try
        {
            var span = buffer.AsSpan(0, source.Length);
            int total = 0;
            while (total < span.Length)
            {
                int n = RandomAccess.Read(source.Segment!.Handle, span[total..], source.Offset + total);
                if (n == 0)
                    throw new VolumeException($"Log segment '{source.Segment.Path}' is shorter than its index says.");
                total += n;
            }
            PageDelta.Apply(span, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>How many versions (a prefix, they are in LSN order) are at or below <paramref name="lsn"/>.</summary>
    static int CountAtOrBelow(List<PageVersion> versions, Lsn lsn)
    {
        int lo = 0, hi = versions.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (versions[mid].Lsn <= lsn)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
}
