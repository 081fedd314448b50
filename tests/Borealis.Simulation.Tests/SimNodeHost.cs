using Borealis.Common;
using Borealis.Storage;
using Borealis.Storage.Protocol;

namespace Borealis.Simulation.Tests;

/// <summary>
/// One storage node in the simulation: a real <see cref="StorageNodeCore"/> over a <see cref="SimDisk"/>. Requests
/// are handled as they arrive; a flush follows a burst of them a little later (group commit); Tick runs every few
/// virtual milliseconds. A crash drops the core and crashes the disk; a restart opens a new core on the same disk.
/// </summary>
public sealed class SimNodeHost : ISimEndpoint, IStorageNodeHost
{
    readonly SimScheduler _scheduler;
    readonly SimNetwork _network;
    readonly SimRandom _random;
    readonly SimTrace _trace;
    readonly Func<StorageNodeOptions> _options;
    readonly Dictionary<ulong, (SimExchange Exchange, long Since)> _unanswered = [];
    StorageNodeCore? _core;
    int _incarnation;
    bool _flushScheduled;

    public SimNodeHost(StorageNodeInfo info, SimScheduler scheduler, SimNetwork network, SimRandom random, SimTrace trace, Func<StorageNodeOptions> options)
    {
        Info = info;
        _scheduler = scheduler;
        _network = network;
        _random = random;
        _trace = trace;
        _options = options;
        network.Register(this);
    }

    public StorageNodeInfo Info { get; }

    public int Id => Info.Id.Value;

    public SimDisk Disk { get; private set; } = new();

    public bool IsUp => _core is not null;

    /// <summary>Lost for good: its disk was wiped and it never comes back.</summary>
    public bool IsLost { get; private set; }

    public StorageNodeCore? Core => _core;

    public long NowMilliseconds => _scheduler.NowMilliseconds;

    /// <summary>Called when a core method throws something that is not an injected I/O error: a bug to report.</summary>
    public Action<string, Exception>? OnCoreFault { get; set; }

    /// <summary>Called when the node refused its damaged data and was re-provisioned empty.</summary>
    public Action<string>? OnReprovision { get; set; }

    /// <summary>Called after the node crashed on an injected I/O error (the simulation restarts it later).</summary>
    public Action? OnIoCrash { get; set; }

    public void Start()
    {
        if (_core is not null || IsLost)
            return;
        var core = new StorageNodeCore(_options(), Disk, this);
        int incarnation = ++_incarnation;
        _trace.Add($"node {Id} start (incarnation {incarnation})");
        _core = core;
        int errorsBefore = Disk.InjectedErrors;
        try
        {
            core.Open();
        }
        catch (StorageException e) when (Disk.BitFlips > 0 && Disk.InjectedErrors == errorsBefore)
        {
            // Its own metadata is damaged and it refuses to guess: the operator re-provisions it empty (same id),
            // and it hydrates its segments from peers like a new node.
            _trace.Add($"node {Id} refused to open its damaged data ({e.Message}); re-provisioning it empty");
            OnReprovision?.Invoke(e.Message);
            Damaged = true;
            Disk = new SimDisk();
            core = new StorageNodeCore(_options(), Disk, this);
            _core = core;
            if (!Guard(core.Open, "Open (re-provisioned)"))
                return;
        }
        catch (Exception e) when (e is not NotImplementedException && Disk.InjectedErrors > errorsBefore)
        {
            _trace.Add($"node {Id} Open failed on an injected I/O error: {e.Message}");
            Crash();
            OnIoCrash?.Invoke();
            return;
        }
        catch (Exception e) when (e is not NotImplementedException)
        {
            OnCoreFault?.Invoke($"node {Id} Open", e);
            throw new SimulationViolationException($"node {Id}: StorageNodeCore.Open threw {e.GetType().Name}: {e.Message}", e);
        }
        ScheduleTick(incarnation);
    }

    /// <summary>Power loss: the core is dropped without a word, unsynced disk writes are partly lost or torn.</summary>
    public void Crash()
    {
        if (_core is null)
            return;
        _trace.Add($"node {Id} crash");
        _core = null;
        _incarnation++;
        _unanswered.Clear();
        _flushScheduled = false;
        Disk.Crash(_random);
    }

    public void Lose()
    {
        Crash();
        Disk.Wipe();
        IsLost = true;
        Damaged = true;
        _trace.Add($"node {Id} lost for good");
    }

    public void Deliver(SimExchange exchange)
    {
        var core = _core!;
        ulong requestId = (ulong)exchange.Id;
        _unanswered[requestId] = (exchange, _scheduler.NowMicros);
        _trace.Add($"node {Id} handle #{exchange.Id}", exchange.Request);
        if (!Guard(() => core.Handle(new RequestContext(exchange.From, requestId), exchange.Request), "Handle"))
            return;
        ScheduleFlush();
    }

    public void Reply(RequestContext context, StorageResponse response)
    {
        if (!_unanswered.Remove(context.RequestId, out var entry))
            throw new SimulationViolationException($"node {Id} replied to request #{context.RequestId}, which it is not holding (answered twice, or never received): {Describe.Response(response)}");
        if (response is AppendResponse append && entry.Exchange.Request is AppendRequest request && !Damaged
            && _core is { } core && core.GetStatus().Epoch == request.Epoch)
            CheckSclMonotonic(request, append);
        _network.Reply(entry.Exchange, response);
    }

    /// <summary>A bit flip or a re-provisioning destroyed some of its data: its SCLs may legitimately go back.</summary>
    public bool Damaged { get; private set; }

    public string? FlipRandomBit(SimRandom random)
    {
        Damaged = true;
        return Disk.FlipRandomBit(random);
    }

    /// <summary>
    /// An SCL a node acknowledged to a writer of one epoch never goes back for that epoch, across crashes too: the
    /// frames under it were synced. Checked only while the node is still in that epoch: a newer epoch's truncation
    /// may void frames one node acknowledged but no write quorum did.
    /// </summary>
    void CheckSclMonotonic(AppendRequest request, AppendResponse response)
    {
        foreach (var segment in response.Segments)
        {
            // A membership change may remove the node and add it back later with a new, empty segment.
            long membership = MembershipEpochOf?.Invoke(segment.Group) ?? -1;
            var key = (request.Epoch.Value, segment.Group, membership);
            if (_ackedScl.TryGetValue(key, out var previous) && segment.Scl < previous)
                throw new SimulationViolationException($"node {Id} acknowledged SCL {segment.Scl} for group {segment.Group} to epoch {request.Epoch}, after acknowledging {previous} (an acknowledged SCL went backwards)");
            if (!_ackedScl.TryGetValue(key, out previous) || segment.Scl > previous)
                _ackedScl[key] = segment.Scl;
        }
    }

    readonly Dictionary<(ulong Epoch, uint Group, long Membership), Lsn> _ackedScl = [];

    /// <summary>The membership epoch of a group in the newest writer's map (-1: unknown).</summary>
    public Func<uint, long>? MembershipEpochOf { get; set; }

    public void SendToPeer(StorageNodeInfo peer, long correlation, StorageRequest request)
    {
        var core = _core;
        int incarnation = _incarnation;
        _network.Send(Id, peer.Id.Value, request, response =>
        {
            if (_core != core || incarnation != _incarnation || core is null)
                return;
            _trace.Add($"node {Id} peer answer c{correlation}", response);
            if (Guard(() => core.OnPeerResponse(correlation, response), "OnPeerResponse"))
                ScheduleFlush();
        });
    }

    /// <summary>Requests handled at least <paramref name="ageMicros"/> ago and still not answered.</summary>
    public IEnumerable<SimExchange> UnansweredFor(long ageMicros) =>
        _unanswered.Values.Where(e => _scheduler.NowMicros - e.Since >= ageMicros).Select(e => e.Exchange);

    void ScheduleFlush()
    {
        var core = _core;
        if (core is null || _flushScheduled || !core.HasUnsyncedWrites)
            return;
        _flushScheduled = true;
        int incarnation = _incarnation;
        _scheduler.After(_random.NextInt64(100, 1_500), () =>
        {
            if (incarnation != _incarnation || _core is null)
                return;
            _flushScheduled = false;
            Guard(_core.Flush, "Flush");
        });
    }

    void ScheduleTick(int incarnation)
    {
        _scheduler.After(_random.NextInt64(3_000, 7_000), () =>
        {
            if (incarnation != _incarnation || _core is null)
                return;
            if (Guard(_core.Tick, "Tick"))
                ScheduleFlush();
            ScheduleTick(incarnation);
        });
    }

    /// <summary>
    /// Runs a core method. An injected I/O error crashes the node (crash-only: it restarts later); anything else is
    /// a core bug, reported with the seed. <see cref="NotImplementedException"/> passes through (the core is a stub).
    /// </summary>
    bool Guard(Action action, string what)
    {
        int errorsBefore = Disk.InjectedErrors;
        try
        {
            action();
            if (Disk.InjectedErrors > errorsBefore)
            {
                // The core survived the error itself; crash-only: a node that saw an I/O error restarts.
                _trace.Add($"node {Id} {what} hit an injected I/O error; restarting it");
                Crash();
                OnIoCrash?.Invoke();
                return false;
            }
            return true;
        }
        catch (NotImplementedException)
        {
            throw;
        }
        catch (SimulationViolationException)
        {
            throw;
        }
        catch (Exception e) when (Disk.InjectedErrors > errorsBefore)
        {
            _trace.Add($"node {Id} {what} failed on an injected I/O error: {e.GetType().Name}: {e.Message}");
            Crash();
            OnIoCrash?.Invoke();
            return false;
        }
        catch (Exception e)
        {
            OnCoreFault?.Invoke($"node {Id} {what}", e);
            throw new SimulationViolationException($"node {Id}: StorageNodeCore.{what} threw {e.GetType().Name}: {e.Message}", e);
        }
    }
}
