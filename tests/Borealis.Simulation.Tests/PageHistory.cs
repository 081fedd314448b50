using Borealis.Common;

namespace Borealis.Simulation.Tests;

/// <summary>One batch as the model knows it.</summary>
/// <param name="Id">Unique over the run (identity across writers' lineages).</param>
/// <param name="Writer">Which writer appended it.</param>
/// <param name="First">LSN of its first record.</param>
/// <param name="Commit">Its commit LSN.</param>
/// <param name="PageCount">The page count once it applies.</param>
/// <param name="Pages">Pages it changed with their LSN and image after it.</param>
public sealed record ModelBatch(long Id, int Writer, Lsn First, Lsn Commit, uint PageCount, IReadOnlyList<(uint Page, Lsn Lsn, byte[] Image)> Pages);

/// <summary>
/// The reference model of one writer's lineage: every batch it inherited (recovered) and appended, in LSN order,
/// with every page version. A read at a point in it must return exactly the version here.
/// </summary>
public sealed class PageHistory
{
    readonly Dictionary<uint, List<(Lsn Lsn, byte[] Image)>> _pages = [];
    readonly List<ModelBatch> _batches = [];
    readonly HashSet<long> _ids = [];

    public PageHistory(int pageSize) => PageSize = pageSize;

    public int PageSize { get; }

    public IReadOnlyList<ModelBatch> Batches => _batches;

    public IEnumerable<uint> TouchedPages => _pages.Keys;

    public Lsn LastCommit => _batches.Count == 0 ? Lsn.Zero : _batches[^1].Commit;

    public bool Contains(long batchId) => _ids.Contains(batchId);

    public void Add(ModelBatch batch)
    {
        if (batch.First <= LastCommit)
            throw new SimulationViolationException($"writer {batch.Writer} gave batch LSNs {batch.First}..{batch.Commit}, not above the previous commit {LastCommit}");
        _batches.Add(batch);
        _ids.Add(batch.Id);
        foreach (var (page, lsn, image) in batch.Pages)
        {
            if (!_pages.TryGetValue(page, out var versions))
                _pages[page] = versions = [];
            versions.Add((lsn, image));
        }
    }

    /// <summary>The lineage a writer recovering at <paramref name="vdl"/> inherits: the batches with commit ≤ vdl.</summary>
    public PageHistory CutAt(Lsn vdl)
    {
        var cut = new PageHistory(PageSize);
        foreach (var batch in _batches)
        {
            if (batch.Commit <= vdl)
                cut.Add(batch);
        }
        return cut;
    }

    /// <summary>Whether <paramref name="lsn"/> is a batch boundary (a commit point, or zero).</summary>
    public bool IsCommitPoint(Lsn lsn) => lsn == Lsn.Zero || _batches.Exists(b => b.Commit == lsn);

    /// <summary>The version of <paramref name="page"/> as of <paramref name="asOf"/>: its LSN (zero: never written) and image.</summary>
    public (Lsn Version, byte[] Image) PageAt(uint page, Lsn asOf)
    {
        if (_pages.TryGetValue(page, out var versions))
        {
            for (int i = versions.Count - 1; i >= 0; i--)
            {
                if (versions[i].Lsn <= asOf)
                    return versions[i];
            }
        }
        return (Lsn.Zero, new byte[PageSize]);
    }

    /// <summary>The newest version of <paramref name="page"/> (what the writer's next delta applies to).</summary>
    public (Lsn Version, byte[] Image) Latest(uint page) => PageAt(page, Lsn.MaxValue);

    public uint PageCountAt(Lsn asOf)
    {
        for (int i = _batches.Count - 1; i >= 0; i--)
        {
            if (_batches[i].Commit <= asOf)
                return _batches[i].PageCount;
        }
        return 0;
    }

    /// <summary>The highest record LSN at or below <paramref name="asOf"/> among pages of one group.</summary>
    public Lsn LastLsnOfGroup(uint group, uint pagesPerGroup, Lsn asOf)
    {
        var last = Lsn.Zero;
        foreach (var (page, versions) in _pages)
        {
            if ((page - 1) / pagesPerGroup != group)
                continue;
            foreach (var (lsn, _) in versions)
            {
                if (lsn <= asOf && lsn > last)
                    last = lsn;
            }
        }
        return last;
    }
}
