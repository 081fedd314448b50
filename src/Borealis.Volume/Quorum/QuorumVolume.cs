using System.Buffers;
using System.Diagnostics;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;
using Borealis.Storage.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Borealis.Volume.Quorum;

/// <summary>
/// The quorum-replicated volume: <see cref="IVolume"/> over a fleet of storage nodes, running a
/// <see cref="QuorumVolumeCore"/> under one lock with a TCP (or in-process) transport and a timer thread.
/// </summary>
/// <remarks>
/// Every call into the core holds <c>_lock</c>. Requests the core sends are queued while it runs and handed to the
/// transport after the lock is released (under <c>_sendLock</c>, so that requests to a node keep their order), so a
/// transport that answers inline never re-enters the core.
/// </remarks>
public sealed partial class QuorumVolume : IVolume
{
    /// <summary>How often the timer thread calls <see cref="QuorumVolumeCore.Tick"/>.</summary>
    const int TickIntervalMs = 5;

    readonly Lock _lock = new();
    readonly Lock _sendLock = new();
    readonly QuorumVolumeCore _core;
    readonly Host _host;
    readonly IStorageTransport _transport;
    readonly PriorityQueue<TaskCompletionSource, ulong> _waiters = new();
    readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource _timerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly Thread _timer;
    readonly ILogger _logger;
    volatile bool _stopping;
    bool _closed;
    bool _supersededRaised;
    Exception? _failure;

    QuorumVolume(QuorumVolumeOptions options)
    {
        _host = new Host();
        _logger = options.Logger ?? NullLogger.Instance;
        _core = new QuorumVolumeCore(options, _host);
        _core.Failed += failure =>
        {
            _failure = failure;
            if (_core.Superseded)
                Log.QuorumReplicaSuperseded(_logger, failure);
            else
                Log.QuorumFailed(_logger, failure);
        };
        var factory = options.TransportFactory
            ?? (onResponse => new TcpStorageTransport(onResponse, new TcpStorageTransportOptions { RequestTimeout = options.RequestTimeout }, options.Logger));
        _transport = factory(OnResponse);
        _timer = new Thread(RunTimer) { IsBackground = true, Name = "quorum-volume-tick" };
    }

    /// <summary>Opens (or creates) the volume: recovery over the storage fleet, then a new epoch that fences any older writer.</summary>
    /// <exception cref="VolumeException">No quorum answered, or the volume was fenced while opening.</exception>
    public static async Task<QuorumVolume> OpenAsync(QuorumVolumeOptions options, CancellationToken cancellationToken)
    {
        var volume = await OpenCoreAsync(options, core => core.StartOpen(), cancellationToken);
        lock (volume._lock)
        {
            var core = volume._core;
            Log.QuorumOpened(volume._logger, core.Map!.VolumeId, core.Epoch.Value, core.DurableLsn.Value, core.Map.Groups.Length, core.Created);
        }
        return volume;
    }

    /// <summary>Opens the volume read-only, as a replica of the writer at <paramref name="epoch"/> (<see cref="QuorumVolumeCore.StartOpenReplica"/>).</summary>
    internal static async Task<QuorumVolume> OpenReplicaAsync(
        QuorumVolumeOptions options, VolumeEpoch epoch, Lsn start, IReadOnlyList<Lsn> groupLasts, uint pageCountAtStart, CancellationToken cancellationToken)
    {
        var volume = await OpenCoreAsync(options, core => core.StartOpenReplica(epoch, start, groupLasts, pageCountAtStart), cancellationToken);
        lock (volume._lock)
            Log.QuorumReplicaOpened(volume._logger, volume._core.Map!.VolumeId, epoch.Value, start.Value, volume._core.Map.Groups.Length);
        return volume;
    }

    static async Task<QuorumVolume> OpenCoreAsync(QuorumVolumeOptions options, Action<QuorumVolumeCore> start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var volume = new QuorumVolume(options);
        lock (volume._lock)
            start(volume._core);
        volume.FlushSends();
        volume.AfterCoreCall();
        volume._timer.Start();
        try
        {
            await volume._opened.Task.WaitAsync(cancellationToken);
        }
        catch
        {
            await volume.DisposeAsync();
            throw;
        }
        return volume;
    }

    /// <summary>The core, for status and tests; lock-free reads of it are racy.</summary>
    internal QuorumVolumeCore Core => _core;

    public int PageSize => _core.PageSize;

    public VolumeEpoch Epoch { get { lock (_lock) return _core.Epoch; } }

    public Lsn DurableLsn { get { lock (_lock) return _core.DurableLsn; } }

    public Lsn AppendedLsn { get { lock (_lock) return _core.AppendedLsn; } }

    /// <summary>The volume map the client holds.</summary>
    public VolumeMap? Map { get { lock (_lock) return _core.Map; } }

    /// <summary>Pages per protection group, fixed at creation (a replica needs it to place the stream's records in groups).</summary>
    public uint PagesPerGroup { get { lock (_lock) return _core.Map!.PagesPerGroup; } }

    /// <summary>
    /// Each group's newest frame end at or below <paramref name="at"/>, indexed by group (<see cref="Lsn.Zero"/>:
    /// none): with <see cref="Epoch"/> and the page count at <paramref name="at"/>, what a
    /// <see cref="QuorumReplicaVolume"/> starting at <paramref name="at"/> needs. Call it with no append racing
    /// (under the engine's write lock) so that <paramref name="at"/> and the stream that follows it agree.
    /// </summary>
    public Lsn[] GetGroupLasts(Lsn at)
    {
        lock (_lock)
            return _core.GroupLasts(at);
    }

    /// <summary>A replica learns a batch of the writer's stream (<see cref="QuorumVolumeCore.Observe"/>).</summary>
    internal void Observe(RedoBatch batch, AppendResult lsns)
    {
        lock (_lock)
        {
            if (_closed)
                throw new VolumeException("The quorum volume is closed.");
            _core.Observe(batch, lsns);
        }
        AfterCoreCall();
    }

    /// <summary>A replica learns the writer's VDL (<see cref="QuorumVolumeCore.ObserveDurable"/>); durable waiters it passes complete.</summary>
    internal void AdvanceDurable(Lsn vdl)
    {
        lock (_lock)
        {
            if (_closed)
                return;
            _core.ObserveDurable(vdl);
        }
        AfterCoreCall();
    }

    /// <summary>A replica core saw a newer epoch (<see cref="QuorumVolumeCore.Superseded"/>).</summary>
    internal bool Superseded { get { lock (_lock) return _core.Superseded; } }

    /// <summary>Raised once, outside the volume's lock, when a replica core is superseded.</summary>
    internal event EventHandler? SupersededEvent;

    /// <inheritdoc cref="QuorumVolumeCore.UpdateFleet"/>
    public void UpdateFleet(IReadOnlyList<StorageNodeInfo> nodes)
    {
        lock (_lock)
            _core.UpdateFleet(nodes);
        FlushSends();
    }

    public AppendResult Append(RedoBatch batch)
    {
        AppendResult result;
        lock (_lock)
        {
            if (_closed)
                throw new VolumeException("The quorum volume is closed.");
            if (_failure is not null)
                throw Failure();
            result = _core.Append(batch);
        }
        FlushSends();
        return result;
    }

    public ValueTask WaitForDurableAsync(Lsn lsn, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (lsn <= _core.DurableLsn)
                return ValueTask.CompletedTask;
            if (_failure is not null)
                return ValueTask.FromException(Failure());
            if (_closed)
                return ValueTask.FromException(new VolumeException($"The quorum volume was closed before LSN {lsn} became durable."));
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter, lsn.Value);
        }
        return new ValueTask(waiter.Task.WaitAsync(cancellationToken));
    }

    public Lsn ReadPage(PageId page, Lsn asOf, Span<byte> destination)
    {
        if (destination.Length < PageSize)
            throw new ArgumentException($"The destination holds fewer than {PageSize} bytes.", nameof(destination));
        using var read = new PendingRead(PageSize);
        lock (_lock)
        {
            if (_closed)
                throw new VolumeException("The quorum volume is closed.");
            _core.StartRead(page, asOf, read.Complete);
        }
        FlushSends();
        read.Wait();
        if (read.Error is { } error)
            throw error;
        read.Buffer.AsSpan(0, PageSize).CopyTo(destination);
        return read.Version;
    }

    public uint GetPageCount(Lsn asOf)
    {
        lock (_lock)
            return _core.GetPageCount(asOf);
    }

    public void SetReadHorizon(Lsn oldestReadPoint)
    {
        lock (_lock)
            _core.SetReadHorizon(oldestReadPoint);
    }

    void OnResponse(long correlation, StorageResponse response)
    {
        try
        {
            lock (_lock)
            {
                if (_closed)
                    return;
                _core.OnResponse(correlation, response);
            }
            FlushSends();
        }
#pragma warning disable CA1031 // The transport's callback thread is a boundary: a bug in the client fails the volume, not the process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LoopFailed(ex);
        }
        AfterCoreCall();
    }

    void RunTimer()
    {
        try
        {
            while (!_stopping)
            {
                Thread.Sleep(TickIntervalMs);
                lock (_lock)
                {
                    if (_closed)
                        break;
                    _core.Tick();
                }
                FlushSends();
                AfterCoreCall();
            }
        }
#pragma warning disable CA1031 // The timer loop is a boundary: a bug in the client fails the volume, not the process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LoopFailed(ex);
            AfterCoreCall();
        }
        finally
        {
            _timerDone.TrySetResult();
        }
    }

    void LoopFailed(Exception ex)
    {
        Log.QuorumLoopFailed(_logger, ex);
        lock (_lock)
        {
            _failure ??= new VolumeException("The quorum volume client failed.", innerException: ex);
            _core.AbortReads(_failure);
        }
    }

    /// <summary>Hands queued requests to the transport, in the order the core made them.</summary>
    void FlushSends()
    {
        lock (_sendLock)
        {
            List<(StorageNodeInfo Node, long Correlation, StorageRequest Request)> batch;
            lock (_lock)
            {
                if (_host.Outbox.Count == 0)
                    return;
                batch = [.. _host.Outbox];
                _host.Outbox.Clear();
            }
            foreach (var (node, correlation, request) in batch)
                _transport.Send(node, correlation, request);
        }
    }

    /// <summary>Completes the durable waiters the VDL passed, the open, or everything on failure.</summary>
    void AfterCoreCall()
    {
        List<TaskCompletionSource>? ready = null;
        Exception? failure;
        QuorumVolumeState state;
        bool superseded = false;
        lock (_lock)
        {
            if (_core.Superseded && !_supersededRaised)
            {
                _supersededRaised = true;
                superseded = true;
            }
            state = _core.State;
            failure = _failure ?? _core.Failure;
            ulong durable = _core.DurableLsn.Value;
            while (_waiters.TryPeek(out _, out ulong lsn) && (lsn <= durable || failure is not null))
                (ready ??= []).Add(_waiters.Dequeue());
        }
        if (ready is not null)
        {
            foreach (var waiter in ready)
            {
                if (failure is null)
                    waiter.TrySetResult();
                else
                    waiter.TrySetException(Failure());
            }
        }
        if (superseded)
            SupersededEvent?.Invoke(this, EventArgs.Empty);
        if (state == QuorumVolumeState.Open)
            _opened.TrySetResult();
        else if (state == QuorumVolumeState.Failed)
            _opened.TrySetException(Failure());
    }

    VolumeException Failure() =>
        (_failure ?? _core.Failure) as VolumeException ?? new VolumeException("The quorum volume failed.", innerException: _failure ?? _core.Failure);

    public async ValueTask DisposeAsync()
    {
        List<TaskCompletionSource> waiters = [];
        lock (_lock)
        {
            if (_closed)
                return;
            _closed = true;
            _core.AbortReads(new VolumeException("The quorum volume was closed during a page read."));
            while (_waiters.TryDequeue(out var waiter, out _))
                waiters.Add(waiter);
        }
        _stopping = true;
        if (_timer.IsAlive)
        {
#pragma warning disable VSTHRD003 // Completed by this volume's own timer thread when its loop ends.
            await _timerDone.Task;
#pragma warning restore VSTHRD003
        }
        await _transport.DisposeAsync();
        foreach (var waiter in waiters)
            waiter.TrySetException(new VolumeException("The quorum volume was closed before the LSN became durable."));
        _opened.TrySetException(new VolumeException("The quorum volume was closed while opening."));
    }

    /// <summary>The core's view of the world: a monotonic clock and a queue of requests to send after the lock.</summary>
    sealed class Host : IQuorumHost
    {
        readonly long _start = Stopwatch.GetTimestamp();

        public List<(StorageNodeInfo Node, long Correlation, StorageRequest Request)> Outbox { get; } = [];

        public long NowMilliseconds => (long)Stopwatch.GetElapsedTime(_start).TotalMilliseconds;

        public void Send(StorageNodeInfo node, long correlation, StorageRequest request) => Outbox.Add((node, correlation, request));
    }

    /// <summary>A page read the caller blocks on (the VFS reads synchronously).</summary>
    sealed class PendingRead(int pageSize) : IDisposable
    {
        readonly ManualResetEventSlim _done = new();

        public byte[] Buffer { get; } = ArrayPool<byte>.Shared.Rent(pageSize);
        public Lsn Version { get; private set; }
        public VolumeException? Error { get; private set; }

        public void Complete(PageReadOutcome outcome)
        {
            if (outcome.Failure is { } failure)
                Error = failure;
            else if (outcome.Image.Length < pageSize)
                Error = new VolumeException($"A storage node returned a {outcome.Image.Length}-byte page; expected {pageSize}.", isTransient: true);
            else
            {
                outcome.Image.Span[..pageSize].CopyTo(Buffer);
                Version = outcome.Version;
            }
            _done.Set();
        }

        public void Wait() => _done.Wait();

        public void Dispose()
        {
            _done.Dispose();
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}
