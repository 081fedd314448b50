using Borealis.Common;
using Borealis.Storage.Protocol;

namespace Borealis.Volume.Quorum;

/// <summary>
/// The quorum volume client's logic, with no transport, no threads and no clock of its own: striping over
/// protection groups, sending frames to 6 segments, PGCL/VCL/VDL, reads with hedging, recovery and fencing, group
/// growth, and repair by two-step membership changes. <see cref="QuorumVolume"/> runs it under a lock with real
/// transports; the simulation drives it from its event loop. Single-threaded: one call at a time.
/// </summary>
/// <remarks>
/// Partials: <c>.Recovery</c> (open: map read, log read, fencing, re-replication), <c>.Write</c> (appends, acks,
/// PGCL and VDL, retransmission), <c>.Read</c> (page reads with hedging), <c>.Repair</c> (node liveness and
/// membership changes), <c>.Map</c> (map writes and placement), <c>.Replica</c> (the read-only mode of a read
/// replica: the map learned without writing, frame ends from the writer's stream).
/// </remarks>
public sealed partial class QuorumVolumeCore
{
    /// <summary>First retry delay after a node failed; doubled per failure up to <see cref="MaxBackoffMs"/>.</summary>
    const long MinBackoffMs = 20;
    const long MaxBackoffMs = 1000;

    readonly QuorumVolumeOptions _options;
    readonly IQuorumHost _host;
    readonly Guid _writerId;
    readonly Dictionary<NodeId, NodeState> _nodes = [];
    readonly Dictionary<long, PendingRequest> _pending = [];
    long _nextCorrelation = 1;
    long _lastTimeoutScan;

    QuorumVolumeState _state = QuorumVolumeState.Opening;
    Exception? _failure;

    public QuorumVolumeCore(QuorumVolumeOptions options, IQuorumHost host)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAppendsInFlight, 1, nameof(options));
        _options = options;
        _host = host;
        _writerId = options.WriterId ?? Guid.NewGuid();
        foreach (var node in options.Nodes)
            NodeFor(node);
    }

    /// <summary>Opening, then Open or Failed.</summary>
    public QuorumVolumeState State => _state;

    /// <summary>Why the volume failed (fenced by a newer writer, no quorum at open, ...); null otherwise.</summary>
    public Exception? Failure => _failure;

    public int PageSize => _options.PageSize;

    public VolumeEpoch Epoch => _map?.Epoch ?? default;

    public Lsn DurableLsn => _durable;

    public Lsn AppendedLsn => _appended;

    /// <summary>Raised (from inside a core call) when the volume fails; the host fails its waiters.</summary>
    public event Action<Exception>? Failed;

    /// <summary>The answer to a request sent through <see cref="IQuorumHost.Send"/>.</summary>
    public void OnResponse(long correlation, StorageResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!_pending.Remove(correlation, out var request))
            return; // Timed out earlier, or answered twice.
        var node = _nodes[request.Node];
        // A node that failed (I/O error) serves nothing until restarted: for liveness and repair it is as good as gone.
        bool unreachable = response is ErrorResponse { Status: StorageStatus.Unreachable or StorageStatus.Failed };
        if (unreachable)
        {
            MarkDown(node);
        }
        else
        {
            MarkUp(node);
            node.Answered = true;
            long latency = _host.NowMilliseconds - request.SentAt;
            node.LatencyMs = node.LatencyMs < 0 ? latency : (node.LatencyMs * 7 + latency) / 8;
        }

        // A replica sends only in the writer's epoch: a node with a newer one means the writer changed.
        if (_replica is not null && response is ErrorResponse { Status: StorageStatus.StaleEpoch } newer)
        {
            Supersede(newer.NodeEpoch);
            return;
        }
        // StaleEpoch to a request sent before this client's own epoch bump (a late recovery read) fences nothing.
        if (response is ErrorResponse { Status: StorageStatus.StaleEpoch } stale && _state != QuorumVolumeState.Failed
            && (stale.NodeEpoch > Epoch || request.Epoch == Epoch))
        {
            Fail(new VolumeException($"The volume was fenced by a newer writer (epoch {stale.NodeEpoch}); this writer (epoch {Epoch}) can no longer write."));
            return;
        }
        if (_state == QuorumVolumeState.Failed)
            return;
        if (response is ErrorResponse { Status: StorageStatus.StaleEpoch })
            response = new ErrorResponse(StorageStatus.BadRequest, "sent in an older epoch of this writer", Epoch);

        switch (request.Kind)
        {
            case RequestKind.Append:
                OnAppendResponse(node, response);
                break;
            case RequestKind.GetPage:
                OnPageResponse(node, request, response);
                break;
            case RequestKind.GetMap:
                OnGetMapResponse(node, response);
                break;
            case RequestKind.ReadLog:
                OnReadLogResponse(node, request, response);
                break;
            case RequestKind.SetMap:
                OnSetMapResponse(node, request, response);
                break;
            case RequestKind.GetStatus:
                OnStatusResponse(node, response);
                break;
        }
    }

    /// <summary>Timers: retransmits, hedged reads, timeouts, node liveness, repair, map writes. Call every few milliseconds.</summary>
    public void Tick()
    {
        if (_state == QuorumVolumeState.Failed)
            return;
        long now = _host.NowMilliseconds;
        ExpireRequests(now);
        if (_state == QuorumVolumeState.Failed)
            return;
        if (_replica is not null)
        {
            TickReplica(now);
            TickReads(now);
            return;
        }
        if (_state == QuorumVolumeState.Opening)
            TickRecovery(now);
        TickMapWrite(now);
        if (_state == QuorumVolumeState.Failed)
            return;
        TickAppends(now);
        TickReads(now);
        if (_state == QuorumVolumeState.Open)
        {
            ApplyPendingFleet();
            TickRepair(now);
        }
    }

    /// <summary>Requests not answered within <see cref="QuorumVolumeOptions.RequestTimeout"/> count as Unreachable.</summary>
    void ExpireRequests(long now)
    {
        if (now - _lastTimeoutScan < 10 && now >= _lastTimeoutScan)
            return;
        _lastTimeoutScan = now;
        long timeout = (long)_options.RequestTimeout.TotalMilliseconds;
        List<long>? expired = null;
        foreach (var (correlation, request) in _pending)
        {
            if (now - request.SentAt >= timeout)
                (expired ??= []).Add(correlation);
        }
        if (expired is null)
            return;
        expired.Sort(); // Dictionary order is not part of the determinism contract.
        foreach (var correlation in expired)
        {
            if (_pending.ContainsKey(correlation))
                OnResponse(correlation, new ErrorResponse(StorageStatus.Unreachable, "request timed out", default));
        }
    }

    void Send(NodeState node, RequestKind kind, StorageRequest request, ReadOperation? read = null, long mapVersion = 0, uint group = 0, int round = 0)
    {
        long correlation = _nextCorrelation++;
        // The epoch the request carries (recovery reads and maps may differ from the client's newest map):
        // a StaleEpoch answer fences this writer only if it refused the writer's current epoch.
        var epoch = request switch
        {
            AppendRequest append => append.Epoch,
            GetPageRequest getPage => getPage.Epoch,
            ReadLogRequest readLog => readLog.Epoch,
            ReadImagesRequest readImages => readImages.Epoch,
            SetMapRequest setMap => setMap.Map.Epoch,
            _ => Epoch,
        };
        _pending[correlation] = new PendingRequest(node.Info.Id, kind, _host.NowMilliseconds, epoch, read, mapVersion, group, round);
        if (kind == RequestKind.Append)
        {
            node.OutstandingAppends++;
            node.LastAppendAt = _host.NowMilliseconds;
        }
        _host.Send(node.Info, correlation, request);
    }

    NodeState NodeFor(StorageNodeInfo info)
    {
        if (!_nodes.TryGetValue(info.Id, out var node))
        {
            node = new NodeState(info);
            _nodes.Add(info.Id, node);
        }
        return node;
    }

    void MarkDown(NodeState node)
    {
        long now = _host.NowMilliseconds;
        if (!node.Down)
        {
            node.Down = true;
            node.DownSince = now;
            node.Backoff = MinBackoffMs;
        }
        else
        {
            node.Backoff = Math.Min(node.Backoff * 2, MaxBackoffMs);
        }
        node.RetryAt = now + node.Backoff;
    }

    void MarkUp(NodeState node)
    {
        if (!node.Down)
            return;
        node.Down = false;
        node.Backoff = MinBackoffMs;
        node.RetryAt = _host.NowMilliseconds; // Resend what it missed at the next tick; repair notices it too.
    }

    void Fail(Exception failure)
    {
        if (_state == QuorumVolumeState.Failed)
            return;
        _state = QuorumVolumeState.Failed;
        _failure = failure;
        FailReads(failure);
        Failed?.Invoke(failure);
    }

    VolumeException FailedException() =>
        _failure as VolumeException ?? new VolumeException("The quorum volume failed.", innerException: _failure);

    /// <summary>The number of requests sent and not yet answered (for tests and status).</summary>
    public int PendingRequestCount => _pending.Count;

    /// <summary>Whether the client currently considers <paramref name="node"/> unreachable.</summary>
    public bool IsNodeDown(NodeId node) => _nodes.TryGetValue(node, out var state) && state.Down;

    enum RequestKind
    {
        Append,
        GetPage,
        GetMap,
        ReadLog,
        SetMap,
        GetStatus,
    }

    /// <summary>A request awaiting its answer. MapVersion: the map written (negative: a one-node refresh); Group and Round: a recovery ReadLog.</summary>
    sealed record PendingRequest(NodeId Node, RequestKind Kind, long SentAt, VolumeEpoch Epoch, ReadOperation? Read, long MapVersion, uint Group, int Round);

    sealed class NodeState(StorageNodeInfo info)
    {
        public StorageNodeInfo Info { get; set; } = info;
        public bool Down { get; set; }
        public long DownSince { get; set; }
        public long RetryAt { get; set; }
        public long Backoff { get; set; } = MinBackoffMs;
        public int OutstandingAppends { get; set; }

        /// <summary>Frames appended while <see cref="OutstandingAppends"/> was at its limit, sent with the next answer.</summary>
        public List<SegmentFrame> Queued { get; } = [];
        public long LastAppendAt { get; set; }
        public double LatencyMs { get; set; } = -1;

        /// <summary>The node refused our epoch or group: it gets the map before more appends.</summary>
        public bool NeedsMap { get; set; }
        public bool MapInFlight { get; set; }

        /// <summary>The node answered something (other than Unreachable or Failed) since this client started.</summary>
        public bool Answered { get; set; }
    }
}
