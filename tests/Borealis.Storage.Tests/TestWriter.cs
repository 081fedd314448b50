using System.Buffers;
using System.Collections.Immutable;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Tests;

/// <summary>
/// A minimal writer and model: assigns dense LSNs, builds one frame per group per batch with backlinks, and
/// remembers every page version so a test can ask what a page should be as of any LSN.
/// </summary>
public sealed class TestWriter(VolumeMap map)
{
    readonly Dictionary<uint, Lsn> _groupTail = [];
    readonly Dictionary<PageId, byte[]> _pages = [];
    readonly Dictionary<PageId, Lsn> _pageLsn = [];
    readonly List<(Lsn Lsn, PageId Page, byte[] Image)> _history = [];
    readonly List<SegmentFrame> _frames = [];
    ulong _next = 1;

    public VolumeEpoch Epoch { get; set; } = map.Epoch;

    public uint PageCount { get; private set; }

    public IReadOnlyList<SegmentFrame> Frames => _frames;

    public Lsn LastLsn => new(_next - 1);

    /// <summary>One batch: each change writes <c>Bytes</c> at <c>Offset</c> of <c>Page</c>.</summary>
    public IReadOnlyList<SegmentFrame> Batch(params (uint Page, int Offset, byte[] Bytes)[] changes)
    {
        var images = new SortedDictionary<PageId, byte[]>();
        foreach (var (page, offset, bytes) in changes)
        {
            var id = new PageId(page);
            if (!images.TryGetValue(id, out var image))
                images[id] = image = _pages.TryGetValue(id, out var current) ? (byte[])current.Clone() : new byte[map.PageSize];
            bytes.CopyTo(image, offset);
        }
        int total = images.Count;
        var commit = new Lsn(_next + (ulong)total - 1);
        PageCount = Math.Max(PageCount, images.Keys.Max(p => p.Value));
        var frames = new List<SegmentFrame>();
        foreach (var group in images.GroupBy(p => map.GroupOf(p.Key)).OrderBy(g => g.Key))
        {
            var first = new Lsn(_next);
            var records = ImmutableArray.CreateBuilder<RedoRecord>();
            foreach (var (page, after) in group)
            {
                var lsn = new Lsn(_next++);
                var before = _pages.TryGetValue(page, out var old) ? old : new byte[map.PageSize];
                var delta = new ArrayBufferWriter<byte>();
                PageDelta.Compute(before, after, delta);
                records.Add(new RedoRecord(page, _pageLsn.GetValueOrDefault(page), delta.WrittenMemory.ToArray()));
                _pages[page] = after;
                _pageLsn[page] = lsn;
                _history.Add((lsn, page, after));
            }
            var frame = new SegmentFrame(group.Key, Epoch, first, _groupTail.GetValueOrDefault(group.Key), commit, PageCount, records.ToImmutable());
            _groupTail[group.Key] = frame.Last;
            frames.Add(frame);
            _frames.Add(frame);
        }
        return frames;
    }

    /// <summary>A batch that changes one page with bytes derived from <paramref name="seed"/>.</summary>
    public SegmentFrame Write(uint page, int seed)
    {
        var bytes = new byte[16];
        new Random(seed).NextBytes(bytes);
        return Batch((page, (seed * 7) % (map.PageSize - 16), bytes))[0];
    }

    public byte[] PageAt(PageId page, Lsn asOf)
    {
        byte[]? image = null;
        foreach (var (lsn, p, after) in _history)
        {
            if (lsn <= asOf && p == page)
                image = after;
        }
        return image ?? new byte[map.PageSize];
    }

    /// <summary>The newest frame Last of <paramref name="group"/> at or below <paramref name="asOf"/>: what a read requires.</summary>
    public Lsn GroupTailAt(uint group, Lsn asOf) =>
        _frames.Where(f => f.Group == group && f.Last <= asOf).Select(f => f.Last).DefaultIfEmpty(Lsn.Zero).Max();

    /// <summary>What a recovering writer does: the frames above <paramref name="vdl"/> never happened; continue in a new epoch.</summary>
    public void Recover(Lsn vdl, VolumeEpoch epoch)
    {
        Epoch = epoch;
        _frames.RemoveAll(f => f.Last > vdl);
        _history.RemoveAll(h => h.Lsn > vdl);
        _groupTail.Clear();
        foreach (var frame in _frames)
            _groupTail[frame.Group] = frame.Last;
        _pages.Clear();
        _pageLsn.Clear();
        foreach (var (lsn, page, image) in _history)
        {
            _pages[page] = image;
            _pageLsn[page] = lsn;
        }
    }
}
