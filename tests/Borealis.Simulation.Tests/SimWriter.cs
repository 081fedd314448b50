using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;
using Borealis.Volume;
using Borealis.Volume.Quorum;

namespace Borealis.Simulation.Tests;

/// <summary>
/// One writer in the simulation: a real <see cref="QuorumVolumeCore"/> whose requests travel over the
/// <see cref="SimNetwork"/>, ticked every few virtual milliseconds, plus the model of its lineage. After every call
/// into the core it checks what it can see at once: VDL never goes backwards, each batch it reports durable is
/// recorded as acknowledged, state changes are reported to the simulation.
/// </summary>
public sealed class SimWriter : ISimEndpoint, IQuorumHost
{
    readonly SimScheduler _scheduler;
    readonly SimNetwork _network;
    readonly SimRandom _random;
    readonly SimTrace _trace;
    readonly Dictionary<long, int> _inFlightReads = [];
    long _nextRead;
    int _ackedBatches;
    QuorumVolumeState _lastState = QuorumVolumeState.Opening;

    public SimWriter(int index, QuorumVolumeOptions options, SimScheduler scheduler, SimNetwork network, SimRandom random, SimTrace trace)
    {
        Index = index;
        _scheduler = scheduler;
        _network = network;
        _random = random;
        _trace = trace;
        Core = new QuorumVolumeCore(options, this);
        network.Register(this);
    }

    /// <summary>Writers are numbered 1, 2, ... in the order they start.</summary>
    public int Index { get; }

    public int Id => 1000 + Index;

    public bool IsUp => Alive;

    /// <summary>False once the writer process crashed: it gets no answers and no ticks.</summary>
    public bool Alive { get; private set; } = true;

    public QuorumVolumeCore Core { get; }

    /// <summary>Set when the writer opened: what it recovered, then what it appended.</summary>
    public PageHistory? History { get; set; }

    /// <summary>The VDL it had when it opened.</summary>
    public Lsn RecoveredLsn { get; private set; }

    public VolumeEpoch OpenedEpoch { get; private set; }

    /// <summary>The highest VDL it has reported.</summary>
    public Lsn ReportedDurable { get; private set; }

    /// <summary>Batches appended after a newer writer opened (they must never be acknowledged unless that writer has them).</summary>
    public int AppendsAfterSuperseded { get; set; }

    public bool Superseded { get; set; }

    public int ReadsInFlight => _inFlightReads.Count;

    public long NowMilliseconds => _scheduler.NowMilliseconds;

    /// <summary>Called once the core reports Open (the simulation builds the lineage and checks recovery).</summary>
    public Action<SimWriter>? Opened { get; set; }

    /// <summary>Called with each batch newly covered by the writer's VDL.</summary>
    public Action<SimWriter, ModelBatch>? Acknowledged { get; set; }

    public void Start()
    {
        _trace.Add($"writer {Index} StartOpen");
        Call(Core.StartOpen, "StartOpen");
        ScheduleTick();
    }

    public void Crash()
    {
        if (!Alive)
            return;
        Alive = false;
        _trace.Add($"writer {Index} crash");
    }

    public void Send(StorageNodeInfo node, long correlation, StorageRequest request)
    {
        _network.Send(Id, node.Id.Value, request, response =>
        {
            if (!Alive)
                return;
            _trace.Add($"writer {Index} answer c{correlation}", response);
            Call(() => Core.OnResponse(correlation, response), "OnResponse");
        });
    }

    public void Deliver(SimExchange exchange) =>
        throw new SimulationViolationException($"a request was sent to writer {Index}: {Describe.Request(exchange.Request)}");

    /// <summary>Appends a batch; returns the model batch, or null when the core refused (failed/fenced) or is not open.</summary>
    public ModelBatch? Append(RedoBatch batch, IReadOnlyList<(uint Page, byte[] Image)> images, long batchId)
    {
        if (!Alive || History is null || Core.State != QuorumVolumeState.Open)
            return null;
        AppendResult result;
        try
        {
            result = Core.Append(batch);
        }
        catch (VolumeException e)
        {
            _trace.Add($"writer {Index} append refused: {e.Message}");
            return null;
        }
        if (result.Commit.Value != result.First.Value + (ulong)batch.Records.Count - 1)
            throw new SimulationViolationException($"writer {Index}: Append of {batch.Records.Count} records returned {result.First}..{result.Commit}");
        var pages = new List<(uint, Lsn, byte[])>(images.Count);
        for (int i = 0; i < images.Count; i++)
            pages.Add((images[i].Page, new Lsn(result.First.Value + (ulong)i), images[i].Image));
        var model = new ModelBatch(batchId, Index, result.First, result.Commit, batch.PageCount, pages);
        History.Add(model);
        if (Superseded)
            AppendsAfterSuperseded++;
        _trace.Add($"writer {Index} append #{batchId} {result.First}..{result.Commit} pages=[{string.Join(",", images.Select(p => p.Page))}] count={batch.PageCount}");
        AfterCall();
        return model;
    }

    /// <summary>Reads a page at <paramref name="asOf"/> and checks the result against the model when it arrives.</summary>
    public void Read(uint page, Lsn asOf, bool mustSucceed)
    {
        var history = History!;
        long id = ++_nextRead;
        _inFlightReads[id] = 0;
        _trace.Add($"writer {Index} read r{id} p{page} asOf={asOf}");
        Call(() => Core.StartRead(new PageId(page), asOf, outcome =>
        {
            _inFlightReads.Remove(id);
            if (!Alive)
                return;
            if (outcome.Failure is not null)
            {
                _trace.Add($"writer {Index} read r{id} failed: {outcome.Failure.Message}");
                if (mustSucceed && !Superseded && Core.State == QuorumVolumeState.Open)
                    throw new SimulationViolationException($"writer {Index}: read of page {page} at {asOf} failed with everything healed: {outcome.Failure.Message}", outcome.Failure);
                return;
            }
            var (version, image) = history.PageAt(page, asOf);
            if (outcome.Version != version || !outcome.Image.Span.SequenceEqual(image))
            {
                int firstDiff = outcome.Image.Length != image.Length ? -1 : outcome.Image.Span.CommonPrefixLength(image);
                throw new SimulationViolationException(
                    $"writer {Index}: read of page {page} at {asOf} returned version {outcome.Version} ({outcome.Image.Length} bytes), the model has version {version}; " +
                    $"first differing byte {firstDiff}");
            }
            _trace.Add($"writer {Index} read r{id} ok v={version}");
        }), "StartRead");
    }

    void ScheduleTick()
    {
        _scheduler.After(_random.NextInt64(2_000, 5_000), () =>
        {
            if (!Alive)
                return;
            Call(Core.Tick, "Tick");
            ScheduleTick();
        });
    }

    void Call(Action action, string what)
    {
        try
        {
            action();
        }
        catch (NotImplementedException)
        {
            throw;
        }
        catch (SimulationViolationException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new SimulationViolationException($"writer {Index}: QuorumVolumeCore.{what} threw {e.GetType().Name}: {e.Message}", e);
        }
        AfterCall();
    }

    /// <summary>What is checked after every call into the core.</summary>
    void AfterCall()
    {
        var state = Core.State;
        if (state != _lastState)
        {
            _trace.Add($"writer {Index} {_lastState} -> {state}{(state == QuorumVolumeState.Failed ? ": " + Core.Failure?.Message : "")}");
            if (_lastState == QuorumVolumeState.Failed)
                throw new SimulationViolationException($"writer {Index} left the Failed state for {state}");
            if (_lastState == QuorumVolumeState.Open && state == QuorumVolumeState.Opening)
                throw new SimulationViolationException($"writer {Index} went from Open back to Opening");
            _lastState = state;
            if (state == QuorumVolumeState.Open)
            {
                RecoveredLsn = Core.DurableLsn;
                ReportedDurable = RecoveredLsn;
                OpenedEpoch = Core.Epoch;
                if (Core.AppendedLsn != RecoveredLsn)
                    throw new SimulationViolationException($"writer {Index} opened with AppendedLsn {Core.AppendedLsn} != DurableLsn {RecoveredLsn}");
                Opened?.Invoke(this);
            }
        }
        if (History is null || state == QuorumVolumeState.Opening)
            return;
        var durable = Core.DurableLsn;
        if (durable < ReportedDurable)
            throw new SimulationViolationException($"writer {Index}: DurableLsn went backwards from {ReportedDurable} to {durable}");
        if (durable == ReportedDurable)
            return;
        if (durable > Core.AppendedLsn)
            throw new SimulationViolationException($"writer {Index}: DurableLsn {durable} is above AppendedLsn {Core.AppendedLsn}");
        if (!History.IsCommitPoint(durable))
            throw new SimulationViolationException($"writer {Index}: DurableLsn {durable} is not a commit point of any batch it appended");
        _trace.Add($"writer {Index} VDL {ReportedDurable} -> {durable}");
        ReportedDurable = durable;
        var batches = History.Batches;
        for (; _ackedBatches < batches.Count && batches[_ackedBatches].Commit <= durable; _ackedBatches++)
        {
            if (batches[_ackedBatches].Commit > RecoveredLsn)
                Acknowledged?.Invoke(this, batches[_ackedBatches]);
        }
    }

    /// <summary>Skips the inherited batches: only what this writer appended is acknowledged by it.</summary>
    public void StartAckTracking()
    {
        var batches = History!.Batches;
        while (_ackedBatches < batches.Count && batches[_ackedBatches].Commit <= RecoveredLsn)
            _ackedBatches++;
    }
}
