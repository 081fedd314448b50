using System.Globalization;
using System.Text;
using Borealis.Common;
using Borealis.Storage;
using Borealis.Storage.Protocol;
using Borealis.Volume;
using Borealis.Volume.MultiWriter;
using Borealis.Volume.Quorum;

namespace Borealis.Simulation.Tests;

/// <summary>
/// One seeded run: 7 storage nodes (6 per group, one spare) and the writers, on virtual time. Phases: open, chaos
/// (workload + faults), heal, quiesce, final checks. Every random choice comes from the seed, so a seed replays
/// exactly. A broken invariant throws <see cref="SimulationViolationException"/>; <see cref="Run"/> wraps it with
/// the seed, the fault plan and the last events of the trace.
/// </summary>
public sealed partial class Simulation
{
    const long Ms = 1_000;
    const int NodeCount = 7;
    static readonly string[] s_zones = ["a", "b", "c", "a", "b", "c", "a"];

    readonly int _seed;
    readonly int _traceLines;
    readonly double _scale;
    readonly SimRandom _random;
    readonly SimRandom _faults;
    readonly SimScheduler _scheduler = new();
    readonly SimTrace _trace;
    readonly SimNetwork _network;
    readonly List<SimNodeHost> _nodes = [];
    readonly List<SimWriter> _writers = [];
    readonly List<ModelBatch> _acknowledged = [];
    readonly Workload _workload;
    readonly int _pageSize;
    readonly uint _pagesPerGroup;
    readonly long _chaosMicros;
    readonly Plan _plan;
    readonly StringBuilder _faultLog = new();
    long _nextBatchId;
    SimWriter? _current;
    SimWriter? _lastOpened;
    Lsn _horizon;
    bool _healed;
    bool _appending = true;
    ThreeDownEpisode? _episode;
    // Multi-master: the engines (2-4 writers of one volume) commit through the current volume client; each computes
    // its batches on its own snapshot, and a commit validator decides, as the shared volume's sequencer does.
    readonly SimRandom _engineRandom;
    readonly Lsn[] _engineSnapshots;
    readonly Dictionary<SimWriter, CommitValidator> _validators = [];
    long _engineCommits;
    long _engineConflicts;

    /// <summary>Batches the engines committed through the validator, and those it refused as conflicts.</summary>
    public (long Commits, long Conflicts) EngineCounts => (_engineCommits, _engineConflicts);

    public Simulation(int seed, double scale = 1.0)
    {
        _seed = seed;
        _scale = scale;
        var root = new SimRandom((ulong)seed);
        _random = root.Fork();
        _faults = root.Fork();
        // SIM_TRACE=n keeps and prints the last n events instead of 60 (for studying one seed).
        int traceLines = int.TryParse(Environment.GetEnvironmentVariable("SIM_TRACE"), out int n) && n > 0 ? n : 60;
        _traceLines = traceLines;
        _trace = new SimTrace(_scheduler, Math.Max(400, traceLines));
        _network = new SimNetwork(_scheduler, root.Fork(), _trace);
        _pageSize = _random.Chance(0.5) ? 256 : 512;
        _pagesPerGroup = (uint)_random.Next(4, 17);
        uint maxPages = _pagesPerGroup * (uint)_random.Next(2, 7);
        _workload = new Workload(root.Fork(), _pagesPerGroup, maxPages);
        _chaosMicros = (long)(_random.NextInt64(400, 1_200) * Ms * scale);
        _engineRandom = root.Fork();
        _engineSnapshots = new Lsn[_engineRandom.Next(2, 5)];
        // SIM_DISABLE=stale,flips,... turns fault kinds off (to look past a known bug); the draws still happen, so the
        // rest of a seed's schedule stays the same.
        var disabled = (Environment.GetEnvironmentVariable("SIM_DISABLE") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        bool On(string kind, double probability) => _faults.Chance(probability) && !disabled.Contains(kind, StringComparer.OrdinalIgnoreCase);
        _plan = new Plan(
            Crashes: On("crashes", 0.8),
            Partitions: On("partitions", 0.5),
            WriterCrash: On("writercrash", 0.35),
            StaleWriter: On("stale", 0.3),
            LoseNode: On("lose", 0.15),
            ThreeDown: On("threedown", 0.15),
            BitFlips: On("flips", 0.25),
            IoErrors: On("ioerrors", 0.1));
        _network.DropRate = _faults.Chance(0.5) ? 0.0 : 0.01;

        for (int i = 1; i <= NodeCount; i++)
        {
            var info = new StorageNodeInfo(new NodeId(i), s_zones[i - 1], $"sim:{i}");
            var nodeRandom = root.Fork();
            var host = new SimNodeHost(info, _scheduler, _network, nodeRandom, _trace, () => new StorageNodeOptions
            {
                Id = info.Id,
                Zone = info.Zone,
                GossipInterval = TimeSpan.FromMilliseconds(20),
                CheckpointBytes = 16 << 10,
                ScrubBytesPerTick = 4 << 10,
                ScrubInterval = TimeSpan.Zero,
            });
            host.MembershipEpochOf = group => _lastOpened?.Core.Map is { } map && group < map.Groups.Length ? map.Groups[(int)group].MembershipEpoch : -1;
            host.OnReprovision = why => Fault($"node {host.Id} re-provisioned empty: {why}");
            host.OnIoCrash = () => _scheduler.After(_faults.NextInt64(5, 50) * Ms, host.Start);
            _nodes.Add(host);
        }
    }

    public long EventsRun => _scheduler.EventsRun;

    public ulong Fingerprint => _trace.Fingerprint;

    /// <summary>Which faults this seed injects.</summary>
    sealed record Plan(bool Crashes, bool Partitions, bool WriterCrash, bool StaleWriter, bool LoseNode, bool ThreeDown, bool BitFlips, bool IoErrors);

    sealed record ThreeDownEpisode(HashSet<int> Down, long Start)
    {
        public bool Over { get; set; }
    }

    /// <summary>Runs the seed to the end; throws <see cref="SimulationFailureException"/> on a broken invariant.</summary>
    public void Run()
    {
        try
        {
            RunPhases();
        }
        catch (NotImplementedException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new SimulationFailureException(_seed, Report(e), e);
        }
    }

    string Report(Exception e)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Simulation seed {_seed} failed at {_scheduler.NowMicros / 1000.0:F3}ms (virtual): {e.Message}\n");
        string scale = _scale == 1.0 ? "" : string.Create(CultureInfo.InvariantCulture, $"SIM_SCALE={_scale} ");
        text.Append(CultureInfo.InvariantCulture, $"Replay: SIM_SEED={_seed} {scale}./test.sh --filter Simulation   (add SIM_TRACE=100000 for the whole trace)\n");
        text.Append(CultureInfo.InvariantCulture, $"Setup: pageSize={_pageSize} pagesPerGroup={_pagesPerGroup} chaos={_chaosMicros / 1000}ms engines={_engineSnapshots.Length} (commits {_engineCommits}, conflicts {_engineConflicts}) plan={_plan} drop={_network.DropRate}\n");
        text.Append("Faults:\n").Append(_faultLog);
        text.Append("Last events:\n").Append(_trace.Format(_traceLines));
        return text.ToString();
    }

    void Fault(string what)
    {
        _faultLog.Append(CultureInfo.InvariantCulture, $"  {_scheduler.NowMicros / 1000.0,10:F3}ms {what}\n");
        _trace.Add("FAULT " + what);
    }

    void RunPhases()
    {
        foreach (var node in _nodes)
            node.Start();
        StartWriter();
        ScheduleWorkload();
        ScheduleFaults();

        long chaosEnd = _scheduler.NowMicros + _chaosMicros;
        _scheduler.RunUntil(chaosEnd);

        Heal();
        _scheduler.RunUntil(_scheduler.NowMicros + 150 * Ms);
        _appending = false;
        Quiesce();
        FinalChecks();
    }

    // ---- writers -------------------------------------------------------------------------------------------

    void StartWriter()
    {
        var options = new QuorumVolumeOptions
        {
            Nodes = [.. _nodes.Select(n => n.Info)],
            PageSize = _pageSize,
            PagesPerGroup = _pagesPerGroup,
            CreateIfMissing = true,
            ReplaceAfter = TimeSpan.FromMilliseconds(1_500),
            HedgeAfter = TimeSpan.FromMilliseconds(20),
            RequestTimeout = TimeSpan.FromMilliseconds(300),
            // Half the seeds let two appends per node be in flight (more ways for one to be lost before another).
            MaxAppendsInFlight = 1 + (_seed & 1),
            // Half of each half without pacing: a batch goes to an idle node even while earlier ones are in flight.
            PaceAppends = (_seed & 2) == 0,
        };
        var writer = new SimWriter(_writers.Count + 1, options, _scheduler, _network, _random.Fork(), _trace)
        {
            Opened = OnOpened,
            Acknowledged = OnAcknowledged,
        };
        _writers.Add(writer);
        _current = writer;
        writer.Start();
    }

    void OnOpened(SimWriter writer)
    {
        var vdl = writer.RecoveredLsn;
        var predecessor = _lastOpened;
        if (predecessor is null)
        {
            writer.History = new PageHistory(_pageSize);
            if (vdl != Lsn.Zero)
                throw new SimulationViolationException($"writer {writer.Index} opened a new volume at VDL {vdl}, not 0");
        }
        else
        {
            if (!predecessor.History!.IsCommitPoint(vdl))
                throw new SimulationViolationException($"writer {writer.Index} recovered VDL {vdl}, which is not a commit point of writer {predecessor.Index}'s batches (half a batch, or an LSN never written)");
            writer.History = predecessor.History.CutAt(vdl);
        }
        foreach (var previous in _writers)
        {
            if (previous != writer && previous.History is not null && previous.OpenedEpoch >= writer.OpenedEpoch)
                throw new SimulationViolationException($"writer {writer.Index} opened in epoch {writer.OpenedEpoch}, not above writer {previous.Index}'s epoch {previous.OpenedEpoch}");
        }
        foreach (var batch in _acknowledged)
        {
            if (!writer.History.Contains(batch.Id))
                throw new SimulationViolationException($"lost acknowledged commit: writer {batch.Writer} acknowledged batch #{batch.Id} ({batch.First}..{batch.Commit}), but writer {writer.Index} recovered VDL {vdl} without it ({_ackContext.GetValueOrDefault(batch.Id, "acknowledged before any newer writer started")})");
        }
        writer.StartAckTracking();
        _trace.Add($"writer {writer.Index} opened: epoch {writer.OpenedEpoch} VDL {vdl} page count {writer.Core.GetPageCount(vdl)}");
        uint expectedCount = writer.History.PageCountAt(vdl);
        uint count = writer.Core.GetPageCount(vdl);
        if (count != expectedCount)
            throw new SimulationViolationException($"writer {writer.Index} recovered page count {count} at VDL {vdl}; the model has {expectedCount}");
        // Writers that opened before are fenced by this one; writers still opening are not (they may fence it in turn).
        foreach (var other in _writers)
        {
            if (other != writer && other.Alive && other.History is not null)
                other.Superseded = true;
        }
        _lastOpened = writer;
        // The read horizon is the volume's, not the writer's: nodes keep what the previous writer let them coalesce.
        if (_horizon > Lsn.Zero)
            writer.Core.SetReadHorizon(_horizon);

        // All or nothing: pages of the last batches kept and of the first batches voided read as the model says.
        if (predecessor is not null)
        {
            var candidates = predecessor.History!.Batches.Where(b => b.Commit <= vdl).TakeLast(2)
                .Concat(predecessor.History.Batches.Where(b => b.Commit > vdl).Take(2));
            foreach (uint page in candidates.SelectMany(b => b.Pages.Select(p => p.Page)).Distinct())
                writer.Read(page, vdl, mustSucceed: false);
        }
    }

    void OnAcknowledged(SimWriter writer, ModelBatch batch)
    {
        _acknowledged.Add(batch);
        if (_writers[^1] != writer)
        {
            // A newer writer exists: note how far its fencing had got, to tell a fencing bug from a recovery race.
            int fenced = _nodes.Count(n => n.Core is { } core && core.GetStatus().Epoch > writer.OpenedEpoch);
            _ackContext[batch.Id] = $"acknowledged at {_scheduler.NowMicros / 1000.0:F3}ms by writer {writer.Index} (epoch {writer.OpenedEpoch}) " +
                $"after writer {_writers[^1].Index} started; {fenced} live nodes had a map of a newer epoch then";
        }
        if (_lastOpened is { } latest && latest != writer && !latest.History!.Contains(batch.Id))
        {
            throw new SimulationViolationException(
                $"stale writer {writer.Index} (epoch {writer.OpenedEpoch}) acknowledged batch #{batch.Id} ({batch.First}..{batch.Commit}) " +
                $"that writer {latest.Index} (epoch {latest.OpenedEpoch}, recovered VDL {latest.RecoveredLsn}) does not have: two writers accepted, an acknowledged commit is lost");
        }
        if (_episode is { Over: false } episode)
        {
            var map = writer.Core.Map;
            if (map is not null && batch.Pages.Count > 0 && _batchAppendTimes.TryGetValue(batch.Id, out long appended) && appended > episode.Start)
            {
                foreach (uint group in batch.Pages.Select(p => map.GroupOf(new PageId(p.Page))).Distinct())
                {
                    if (group >= map.Groups.Length)
                        continue;
                    var members = map.Groups[(int)group];
                    int down = members.Members.Count(m => episode.Down.Contains(m.Value));
                    if (down >= 3 && !members.InTransition)
                        throw new SimulationViolationException($"writer {writer.Index} acknowledged batch #{batch.Id} ({batch.First}..{batch.Commit}) appended while 3 members of group {group} ({string.Join(",", members.Members)}) were down: no write quorum was possible");
                }
            }
        }
    }

    readonly Dictionary<long, long> _batchAppendTimes = [];
    readonly Dictionary<long, string> _ackContext = [];

    // ---- workload ------------------------------------------------------------------------------------------

    void ScheduleWorkload()
    {
        _scheduler.After(_random.NextInt64(1_000, 6_000), () =>
        {
            WorkloadStep();
            ScheduleWorkload();
        });
    }

    void WorkloadStep()
    {
        foreach (var writer in _writers)
        {
            if (!writer.Alive || writer.History is null || writer.Core.State != QuorumVolumeState.Open)
                continue;
            bool current = writer == _lastOpened;
            if (_appending && current && writer.History.Batches.Count(b => b.Commit > writer.ReportedDurable) < 16)
            {
                EngineCommit(writer);
            }
            else if (_appending && !current && _random.Chance(0.3) && writer.History.Batches.Count(b => b.Commit > writer.ReportedDurable) < 16)
            {
                var (batch, images) = _workload.Next(writer.History);
                long id = ++_nextBatchId;
                if (writer.Append(batch, images, id) is not null)
                    _batchAppendTimes[id] = _scheduler.NowMicros;
            }
            if (current && _random.Chance(0.5))
                ReadSomething(writer, mustSucceed: false);
        }
    }

    /// <summary>
    /// One engine commits through the current writer: its batch is computed on its snapshot (it caught up first, or
    /// not), the validator accepts or refuses it, and an oracle built from the model says what it should have done.
    /// An accepted batch must apply to each page's newest version; a refused one must have a page changed after its
    /// snapshot. The engine then reads at its own commit (accepted) or the newest (refused: it retries there).
    /// </summary>
    void EngineCommit(SimWriter writer)
    {
        var history = writer.History!;
        if (!_validators.TryGetValue(writer, out var validator))
            _validators[writer] = validator = new CommitValidator(history.LastCommit, history.PageCountAt(history.LastCommit));
        int engine = _engineRandom.Next(_engineSnapshots.Length);
        ref var snapshot = ref _engineSnapshots[engine];
        if (snapshot > history.LastCommit || !history.IsCommitPoint(snapshot) || _engineRandom.Chance(0.5))
            snapshot = history.LastCommit; // Catches up before its first write (or its view was lost with a crash).
        var (batch, images) = _workload.Next(history, snapshot);
        var at = snapshot;
        bool stale = at < validator.OpenedAt || batch.Records.Any(r => history.Latest(r.Page.Value).Version > at);
        uint pageCount;
        try
        {
            pageCount = validator.Validate(batch, snapshot, history.PageCountAt(snapshot));
        }
        catch (WriteConflictException conflict)
        {
            if (!stale)
                throw new SimulationViolationException($"engine {engine + 1}: a batch on snapshot {snapshot} was refused ({conflict.Message}) though none of its pages changed after it");
            _engineConflicts++;
            _trace.Add($"engine {engine + 1} conflict at snapshot {snapshot}: page {conflict.Page} is at {conflict.Newer}");
            snapshot = history.LastCommit;
            return;
        }
        if (stale)
            throw new SimulationViolationException($"engine {engine + 1}: a batch on snapshot {snapshot} was accepted though a page it changes has a newer version (a change on top of a stale page version)");
        foreach (var record in batch.Records)
        {
            if (record.PreviousLsn != history.Latest(record.Page.Value).Version)
                throw new SimulationViolationException($"engine {engine + 1}: accepted record for page {record.Page} applies to version {record.PreviousLsn}, the newest is {history.Latest(record.Page.Value).Version}");
        }
        var accepted = pageCount == batch.PageCount ? batch : batch with { PageCount = pageCount };
        long id = ++_nextBatchId;
        if (writer.Append(accepted, images, id) is { } model)
        {
            _batchAppendTimes[id] = _scheduler.NowMicros;
            validator.Accept(accepted, new AppendResult(model.First, model.Commit), pageCount);
            _engineCommits++;
            snapshot = model.Commit;
        }
    }

    void ReadSomething(SimWriter writer, bool mustSucceed)
    {
        var history = writer.History!;
        var vdl = writer.ReportedDurable;
        var points = history.Batches.Where(b => b.Commit <= vdl && b.Commit >= _horizon).Select(b => b.Commit).ToList();

        // Move the read horizon now and then, while no read is in flight.
        if (writer.ReadsInFlight == 0 && _random.Chance(0.1) && points.Count > 40)
        {
            _horizon = points[^30];
            writer.Core.SetReadHorizon(_horizon);
            points.RemoveAll(p => p < _horizon);
            _trace.Add($"writer {writer.Index} read horizon {_horizon}");
        }

        var asOf = points.Count == 0 || _random.Chance(0.3) ? vdl : _random.Pick(points);
        uint pageCount = Math.Max(1, history.PageCountAt(asOf));
        writer.Read((uint)_random.Next(1, (int)pageCount + 1), asOf, mustSucceed);

        var countAt = Lsn.Max(asOf, writer.RecoveredLsn);
        uint count = writer.Core.GetPageCount(countAt);
        if (count != history.PageCountAt(countAt))
            throw new SimulationViolationException($"writer {writer.Index}: GetPageCount({countAt}) = {count}, the model has {history.PageCountAt(countAt)}");
    }
}
