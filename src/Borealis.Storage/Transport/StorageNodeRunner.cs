using System.Diagnostics;
using Borealis.Storage.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Borealis.Storage.Transport;

/// <summary>
/// Runs one <see cref="StorageNodeCore"/> on one dedicated thread: an event loop over a queue of incoming requests,
/// answers from peers and ticks. It drains every queued event, then calls <see cref="StorageNodeCore.Flush"/> once
/// if writes wait for it — one fsync for everything that arrived together (group commit) — then waits for more.
/// It is the core's <see cref="IStorageNodeHost"/>: replies go to the <see cref="IStorageResponder"/> given to
/// <see cref="Start"/> (the <see cref="StorageServer"/> or an <see cref="InProcessStorageNetwork"/>), requests to
/// peers to a transport whose answers are queued back into the loop. An exception from the core fails the node:
/// logged, state <see cref="StorageNodeRunnerState.Failed"/>, every later request answered
/// <see cref="StorageStatus.Failed"/>. The runner times every fsync of the node (a <see cref="FsyncMeter"/> around its
/// disk) and answers <see cref="GetNodeStatsRequest"/> itself, with its queue and those timings.
/// </summary>
public sealed class StorageNodeRunner : IStorageRequestSink, IAsyncDisposable
{
    readonly StorageNodeOptions _options;
    readonly StorageNodeCore _core;
    readonly IStorageTransport _peers;
    readonly ILogger _logger;
    readonly TimeSpan _tickInterval;
    readonly object _lock = new();
    readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly FsyncMeter _fsyncs = new();
    List<NodeEvent> _queue = [];
    List<NodeEvent> _batch = [];
    int _next;
    long _nextTick;

    /// <summary>A thread is running the core (the loop thread or a caller of <see cref="Drain"/>); under <c>_lock</c>.</summary>
    bool _draining;
    IStorageResponder? _responder;
    Thread? _thread;
    bool _stopping;
    volatile StorageNodeRunnerState _state;
    Exception? _failure;

    /// <summary>One thing for the loop to do.</summary>
    readonly record struct NodeEvent(RequestContext Context, StorageRequest? Request, long Correlation, StorageResponse? PeerResponse, Action<StorageNodeCore?>? Work);

    /// <summary>
    /// 20 ms: the tick's work is timed in tens of milliseconds or more; a 5 ms tick kept an idle node waking 200 times
    /// a second (about 2.7 % of a core each, measured on an idle local cluster).
    /// </summary>
    public static readonly TimeSpan DefaultTickInterval = TimeSpan.FromMilliseconds(20);

    /// <param name="options">The node's settings.</param>
    /// <param name="disk">Where its data lives.</param>
    /// <param name="peerTransportFactory">Makes the transport to the node's peers, given where its answers go.</param>
    /// <param name="tickInterval">
    /// How often <see cref="StorageNodeCore.Tick"/> runs (default <see cref="DefaultTickInterval"/>). Requests, answers
    /// and flushes do not wait for it; it paces only the timed work (gossip every 100 ms, checkpoints, scrub).
    /// </param>
    public StorageNodeRunner(
        StorageNodeOptions options, IStorageDisk disk, Func<Action<long, StorageResponse>, IStorageTransport> peerTransportFactory,
        TimeSpan? tickInterval = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(peerTransportFactory);
        _options = options;
        _logger = options.Logger ?? NullLogger.Instance;
        _tickInterval = tickInterval ?? DefaultTickInterval;
        _core = new StorageNodeCore(options, new MeteredStorageDisk(disk, _fsyncs), new Host(this));
        _peers = peerTransportFactory(OnPeerResponse);
    }

    public NodeId NodeId => _options.Id;

    public StorageNodeRunnerState State => _state;

    /// <summary>Why the node failed (<see cref="StorageNodeRunnerState.Failed"/>); null otherwise.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Completes when the loop has ended (stopped or failed).</summary>
#pragma warning disable VSTHRD003 // The runner's own loop, for its owner to await.
    public Task Completion => _completion.Task;
#pragma warning restore VSTHRD003

    /// <summary>
    /// Opens the core (recovery, on the calling thread) and starts the loop. Replies go to <paramref name="responder"/>.
    /// Start the server that feeds <see cref="Handle"/> after this returns, so that "listening" means "ready".
    /// </summary>
    /// <exception cref="StorageException">The node's data is unusable.</exception>
    public void Start(IStorageResponder responder)
    {
        ArgumentNullException.ThrowIfNull(responder);
        lock (_lock)
        {
            if (_state != StorageNodeRunnerState.Created)
                throw new InvalidOperationException("The node runner is already started.");
            _responder = responder;
        }
        _core.Open();
        _state = StorageNodeRunnerState.Running;
        _thread = new Thread(Loop) { IsBackground = true, Name = "storage-node-" + _options.Id.ToString() };
        _thread.Start();
        TransportLog.NodeRunning(_logger, _options.Id.ToString());
    }

    /// <inheritdoc/>
    public void Handle(RequestContext context, StorageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryEnqueue(new NodeEvent(context, request, 0, null, null)))
            ReplyFailed(context);
    }

    /// <inheritdoc/>
    public void Enqueue(RequestContext context, StorageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryEnqueue(new NodeEvent(context, request, 0, null, null), wake: false))
            ReplyFailed(context);
    }

    /// <summary>
    /// Runs the core on the calling thread until the queue is empty — the requests <see cref="Enqueue"/> queued,
    /// one flush (fsync) for them, their replies — unless another thread is running it already (that thread takes
    /// them before it stops). The node's loop thread is not woken: a request costs no thread switch on the node.
    /// </summary>
    public void Drain()
    {
        lock (_lock)
        {
            if (_draining || _queue.Count == 0 || _stopping || _state != StorageNodeRunnerState.Running)
                return;
            _draining = true;
        }
        RunCore();
    }

    /// <summary>The node's status, read on its loop.</summary>
    /// <exception cref="StorageException">The node is not running.</exception>
    public Task<NodeStatusResponse> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var result = new TaskCompletionSource<NodeStatusResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Run(StorageNodeCore? core)
        {
            if (core is null)
                result.TrySetException(new StorageException($"storage node {_options.Id} is {_state.ToString().ToLowerInvariant()}"));
            else
                result.TrySetResult(core.GetStatus());
        }
        if (!TryEnqueue(new NodeEvent(default, null, 0, null, Run)))
            Run(null);
        return result.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The node's stats (<see cref="GetNodeStatsRequest"/>), on the loop while it handles <paramref name="batch"/> up to <paramref name="next"/>.</summary>
    NodeStatsResponse Stats(List<NodeEvent> batch, int next)
    {
        int queued = 0;
        for (int i = next; i < batch.Count; i++)
        {
            if (batch[i].Request is not null)
                queued++;
        }
        lock (_lock)
        {
            foreach (var item in _queue)
            {
                if (item.Request is not null)
                    queued++;
            }
        }
        return new NodeStatsResponse(_options.Id, (uint)queued, (uint)_core.AppendsAwaitingFlush, _fsyncs.Snapshot());
    }

    void OnPeerResponse(long correlation, StorageResponse response) =>
        TryEnqueue(new NodeEvent(default, null, correlation, response, null));

    bool TryEnqueue(NodeEvent item, bool wake = true)
    {
        lock (_lock)
        {
            if (_stopping || _state != StorageNodeRunnerState.Running)
                return false;
            _queue.Add(item);
            if (wake && _queue.Count == 1 && !_draining)
                Monitor.PulseAll(_lock);
            return true;
        }
    }

    void ReplyFailed(RequestContext context) =>
        _responder?.Reply(context, new ErrorResponse(StorageStatus.Failed, $"storage node {_options.Id} is {_state.ToString().ToLowerInvariant()}", default));

    /// <summary>
    /// The node's own thread: runs the core when events were queued by <see cref="Handle"/> (or a peer's answer)
    /// and no other thread runs it, and for <see cref="StorageNodeCore.Tick"/>.
    /// </summary>
    void Loop()
    {
        long tickMs = Math.Max(1, (long)_tickInterval.TotalMilliseconds);
        lock (_lock)
            _nextTick = _clock.ElapsedMilliseconds + tickMs;
        while (true)
        {
            lock (_lock)
            {
                while (!_stopping && _state == StorageNodeRunnerState.Running && (_draining || _queue.Count == 0))
                {
                    long wait = _nextTick - _clock.ElapsedMilliseconds;
                    if (_draining)
                    {
                        // Another thread runs the core (and the tick, when due). Its drain ends with the queue empty, so
                        // it does not wake this thread: look again at the next tick, or when an event is queued.
                        Monitor.Wait(_lock, (int)Math.Clamp(wait, 1, int.MaxValue));
                        continue;
                    }
                    if (wait <= 0)
                        break;
                    Monitor.Wait(_lock, (int)Math.Min(wait, int.MaxValue));
                }
                if (_stopping || _state != StorageNodeRunnerState.Running)
                {
                    // A caller of Drain may still be inside the core: the core is closed only after it is out.
                    while (_draining)
                        Monitor.Wait(_lock, 10);
                    break;
                }
                _draining = true;
            }
            RunCore();
        }
        _completion.TrySetResult();
    }

    /// <summary>
    /// Runs the core while this thread owns it (<c>_draining</c>): every queued event, then the tick when due, then
    /// one flush for the writes of the lot (group commit); again while events keep arriving. An exception from the
    /// core fails the node.
    /// </summary>
    void RunCore()
    {
        long tickMs = Math.Max(1, (long)_tickInterval.TotalMilliseconds);
        try
        {
            while (true)
            {
                lock (_lock)
                {
                    bool tickDue = _clock.ElapsedMilliseconds >= _nextTick;
                    if (_stopping || (_queue.Count == 0 && !tickDue))
                    {
                        // The queue is empty: the loop thread has nothing to do before its next tick, so it is not woken
                        // (a wake-up per request on every node, measured). Stopping, it waits for this drain to end.
                        _draining = false;
                        if (_stopping)
                            Monitor.PulseAll(_lock);
                        return;
                    }
                    (_batch, _queue) = (_queue, _batch);
                }
                for (_next = 0; _next < _batch.Count;)
                {
                    var item = _batch[_next++];
                    if (item.Request is GetNodeStatsRequest)
                        _responder?.Reply(item.Context, Stats(_batch, _next));
                    else if (item.Request is not null)
                        _core.Handle(item.Context, item.Request);
                    else if (item.PeerResponse is not null)
                        _core.OnPeerResponse(item.Correlation, item.PeerResponse);
                    else
                        item.Work?.Invoke(_core);
                }
                _batch.Clear();
                _next = 0;
                if (_clock.ElapsedMilliseconds >= _nextTick)
                {
                    _core.Tick();
                    _nextTick = _clock.ElapsedMilliseconds + tickMs;
                }
                if (_core.HasUnsyncedWrites)
                    _core.Flush();
            }
        }
#pragma warning disable CA1031 // The node's boundary: a core failure stops this node, reported and visible, never a silent crash.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // The event that threw (its request may be answered twice: a transport drops the second answer) and the rest.
            var unprocessed = _batch.Skip(Math.Max(0, _next - 1)).ToList();
            _batch.Clear();
            Fail(ex, unprocessed);
            lock (_lock)
            {
                _draining = false;
                Monitor.PulseAll(_lock);
            }
        }
    }

    void Fail(Exception exception, IEnumerable<NodeEvent> unprocessed)
    {
        Volatile.Write(ref _failure, exception);
        List<NodeEvent> rest;
        lock (_lock)
        {
            _state = StorageNodeRunnerState.Failed;
            rest = _queue;
            _queue = [];
        }
        TransportLog.NodeFailed(_logger, _options.Id.ToString(), exception);
        foreach (var item in unprocessed.Concat(rest))
        {
            if (item.Request is not null)
                ReplyFailed(item.Context);
            else
                item.Work?.Invoke(null);
        }
        _completion.TrySetResult();
    }

    /// <summary>Stops the loop (after the event it is handling), then closes the core and the peer transport.</summary>
    public async Task StopAsync()
    {
        bool started;
        lock (_lock)
        {
            if (_stopping)
                return;
            _stopping = true;
            started = _thread is not null;
            Monitor.PulseAll(_lock);
        }
#pragma warning disable VSTHRD003 // The runner's own loop.
        if (started)
            await Completion;
#pragma warning restore VSTHRD003
        if (_state != StorageNodeRunnerState.Failed)
            _state = StorageNodeRunnerState.Stopped;
        await _peers.DisposeAsync();
        _core.Dispose();
        TransportLog.NodeStopped(_logger, _options.Id.ToString());
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>The core's view of the runner: clock, replies, peers. Called only on the loop thread (or in Open).</summary>
    sealed class Host(StorageNodeRunner runner) : IStorageNodeHost
    {
        public long NowMilliseconds => runner._clock.ElapsedMilliseconds;

        public void Reply(RequestContext context, StorageResponse response) => runner._responder?.Reply(context, response);

        public void SendToPeer(StorageNodeInfo peer, long correlation, StorageRequest request) => runner._peers.Send(peer, correlation, request);
    }
}
