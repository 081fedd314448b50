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
    /// <param name="needBaseSlot">The caller (a checkpoint) needs to know the base slot, so a cached image is
    /// used only when that slot is known.</param>
    Lsn Materialize(PageId page, Lsn asOf, Span<byte> destination, bool needBaseSlot, out int baseSlot)
    {
        int slot;
        Lsn baseLsn;
        Lsn checkpoint;
        Lsn version = Lsn.Zero;
        DeltaSource[]? sources = null;
        int count = 0;
        bool fromImage = false;
        PageState? state;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            checkpoint = _checkpointLsn;
            slot = PageState.UnknownSlot;
            baseLsn = Lsn.Zero;
            if (_pages.TryGetValue(page, out state))
            {
                slot = state.BaseSlot;
                baseLsn = state.BaseLsn;
                if (slot == PageState.UnknownSlot && checkpoint == Lsn.Zero)
                    slot = PageState.NoSlot;
                var versions = state.Versions;
                int start = 0;
                if (state.Image is { } image && state.ImageLsn <= asOf
                    && (state.ImageLsn >= checkpoint || (slot != PageState.UnknownSlot && state.ImageLsn >= baseLsn))
                    && (slot != PageState.UnknownSlot || !needBaseSlot))
                {
                    // Start from the cached image: only the versions after it are needed.
                    image.CopyTo(destination);
                    fromImage = true;
                    version = state.ImageLsn;
                    start = CountAtOrBelow(versions, state.ImageLsn);
                }
                count = CountAtOrBelow(versions, asOf) - start;
                if (count > 0)
                {
                    sources = ArrayPool<DeltaSource>.Shared.Rent(count);
                    for (int i = 0; i < count; i++)
                    {
                        var v = versions[start + i];
                        var frame = v.Frame;
                        sources[i] = frame.Bytes is { } bytes
                            ? new DeltaSource(bytes, null, v.DeltaOffset, v.DeltaLength)
                            : new DeltaSource(null, frame.Segment, frame.Offset + v.DeltaOffset, v.DeltaLength);
                    }
                    version = versions[start + count - 1].Lsn;
                }
            }
            if (slot == PageState.UnknownSlot && checkpoint == Lsn.Zero)
                slot = PageState.NoSlot;
        }

        try
        {
            if (fromImage)
            {
                // The image replaces the base.
            }
            else if (slot == PageState.UnknownSlot)
            {
                (slot, baseLsn) = _pageStore!.ReadBase(page, checkpoint, destination);
                lock (_lock)
                {
                    // Remember where the base is, unless a checkpoint moved it meanwhile.
                    if (_checkpointLsn == checkpoint)
                    {
                        state = GetOrAddPage(page);
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

            if (!fromImage && baseLsn > asOf)
                throw new ArgumentOutOfRangeException(nameof(asOf), asOf, $"Page {page} is checkpointed at version {baseLsn}; reads must not go below the read horizon.");

            for (int i = 0; i < count; i++)
                ApplyDelta(sources![i], destination);
            if (count >= ImageCacheMinimumChain && state is not null)
                CacheImage(state, version, destination);
            baseSlot = slot;
            return count > 0 || fromImage ? version : baseLsn;
        }
        finally
        {
            if (sources is not null)
                ArrayPool<DeltaSource>.Shared.Return(sources, clearArray: true);
        }
    }

    /// <summary>Chains shorter than this are cheap to rebuild and not worth a cached image.</summary>
    const int ImageCacheMinimumChain = 4;

    /// <summary>Keeps <paramref name="image"/> as the page's cached version if it is newer than the one cached.</summary>
    void CacheImage(PageState state, Lsn lsn, ReadOnlySpan<byte> image)
    {
        if (_options.MaxCachedImages == 0)
            return;
        lock (_lock)
        {
            if (_closed || (state.Image is not null && state.ImageLsn >= lsn))
                return;
            if (state.Image is null)
            {
                state.Image = new byte[PageSize];
                _cachedImages.Enqueue(state);
                while (_cachedImages.Count > _options.MaxCachedImages)
                    _cachedImages.Dequeue().Image = null;
            }
            image[..PageSize].CopyTo(state.Image);
            state.ImageLsn = lsn;
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
