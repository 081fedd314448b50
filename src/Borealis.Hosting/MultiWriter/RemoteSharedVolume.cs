using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Hosting.Replication;
using Borealis.Volume;
using Borealis.Volume.MultiWriter;

namespace Borealis.Hosting.MultiWriter;

/// <summary>
/// A multi-master writer's volume: a connection to the <see cref="VolumeService"/>. Commits, page reads and the
/// catch-up point are requests answered over it; the other writers' commits and the volume durable LSN arrive on it
/// in order. Network reads run on a thread of their own and deliveries on another, so a commit or a page read
/// waiting (synchronously, on an engine thread) never blocks what it waits for. When the connection is lost,
/// <see cref="Completion"/> faults and every request fails: the instance restarts (crash-only).
/// </summary>
public sealed class RemoteSharedVolume : ISharedVolume
{
    /// <summary>The engine's page size: the volume service's volume has it (checked on every page read).</summary>
    const int VolumePageSize = 4096;
    static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(30);

    readonly TcpClient _client;
    readonly NetworkStream _stream;
    readonly Lock _sendLock = new();
    readonly Lock _lock = new();
    readonly ConcurrentDictionary<ulong, TaskCompletionSource<object>> _pending = new();
    readonly BlockingCollection<(RedoBatch Batch, AppendResult Lsns)> _deliveries = [];
    readonly SortedList<ulong, uint> _pageCounts = [];
    readonly List<(Lsn Lsn, TaskCompletionSource Done)> _durableWaiters = [];
    readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    ulong _nextRequest;
    ulong _durable;
    ulong _appended;
    ulong _horizonSent;
    Exception? _failure;
    IReadOnlyList<ReplicaHost> _hosts = [];

    RemoteSharedVolume(TcpClient client, ReplicationStart start)
    {
        _client = client;
        _stream = client.GetStream();
        Epoch = start.Epoch;
        AttachedAt = start.Start;
        _appended = start.Start.Value;
        _pageCounts[start.Start.Value] = start.PageCount;
    }

    public int PageSize => VolumePageSize;

    public VolumeEpoch Epoch { get; }

    public Lsn AttachedAt { get; }

    public Lsn DurableLsn => new(Volatile.Read(ref _durable));

    public Lsn AppendedLsn => new(Volatile.Read(ref _appended));

    /// <summary>The writers on the volume, as the volume service last said (every second).</summary>
    public IReadOnlyList<ReplicaHost> Hosts => Volatile.Read(ref _hosts);

    /// <summary>Faults when the connection to the volume service is lost (the reason is the exception).</summary>
#pragma warning disable VSTHRD003 // This volume's own completion, for its owner to await.
    public Task Completion => _completion.Task;
#pragma warning restore VSTHRD003

    /// <summary>Connects as writer <paramref name="writerId"/>; its view starts at the volume's newest commit.</summary>
    /// <exception cref="IOException">The service cannot be reached or answered wrongly.</exception>
    public static async Task<RemoteSharedVolume> ConnectAsync(IPEndPoint service, string writerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(service, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync(ReplicationCodec.Hello(writerId), cancellationToken);
            var first = await ReplicationCodec.ReadAsync(stream, cancellationToken);
            if (first is not { Kind: ReplicationMessage.Start } message)
                throw new IOException($"The volume service at {service} did not start the stream.");
            var volume = new RemoteSharedVolume(client, ReplicationCodec.ReadStart(message.Payload));
            var reader = new Thread(volume.ReadLoop) { IsBackground = true, Name = "volume-service reader" };
            reader.Start();
            return volume;
        }
        catch (Exception ex) when (ex is SocketException or InvalidDataException)
        {
            client.Dispose();
            throw new IOException($"Cannot join the volume service at {service}: {ex.Message}", ex);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public void StartDelivery(Action<RedoBatch, AppendResult> deliver)
    {
        ArgumentNullException.ThrowIfNull(deliver);
        var pump = new Thread(() =>
        {
            try
            {
                foreach (var (batch, lsns) in _deliveries.GetConsumingEnumerable())
                    deliver(batch, lsns);
            }
#pragma warning disable CA1031 // A delivery that cannot be applied leaves this writer behind for good: it must restart.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Fail(new VolumeException("A commit of another writer could not be applied: " + ex.Message, innerException: ex));
            }
        })
        { IsBackground = true, Name = "volume-service deliveries" };
        pump.Start();
    }

    public AppendResult Append(RedoBatch batch) =>
        throw new InvalidOperationException("A shared volume appends only a batch validated against its snapshot.");

    public AppendResult Append(RedoBatch batch, Lsn snapshot, uint snapshotPageCount)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (id, answer) = NewRequest();
        Send(ReplicationCodec.CommitRequest(id, snapshot, snapshotPageCount, batch));
        var (_, outcome, lsns, pageCount, error) = ((ulong, CommitOutcome, AppendResult, uint, Exception?))Wait(id, answer);
        if (outcome != CommitOutcome.Accepted)
            throw error!;
        lock (_lock)
        {
            _pageCounts[lsns.Commit.Value] = pageCount;
            if (lsns.Commit.Value > _appended)
                Volatile.Write(ref _appended, lsns.Commit.Value);
        }
        return lsns;
    }

    public async ValueTask<Lsn> GetLatestCommitAsync(CancellationToken cancellationToken)
    {
        var (id, answer) = NewRequest();
        Send(ReplicationCodec.LatestRequest(id));
        try
        {
            return (Lsn)await answer.Task.WaitAsync(s_requestTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            _pending.TryRemove(id, out _);
            throw new VolumeException("The volume service did not answer in time.", isTransient: true);
        }
    }

    public Lsn ReadPage(PageId page, Lsn asOf, Span<byte> destination)
    {
        var (id, answer) = NewRequest();
        Send(ReplicationCodec.PageRequest(id, page, asOf));
        var (_, version, image, error) = ((ulong, Lsn, byte[]?, string?))Wait(id, answer);
        if (image is null)
            throw new VolumeException($"Reading page {page} at {asOf} failed: {error}", isTransient: true);
        if (image.Length != VolumePageSize)
            throw new VolumeException($"The volume's pages are {image.Length} bytes; the engine's are {VolumePageSize}.");
        image.CopyTo(destination);
        return version;
    }

    public uint GetPageCount(Lsn asOf)
    {
        lock (_lock)
        {
            for (int i = _pageCounts.Count - 1; i >= 0; i--)
            {
                if (_pageCounts.Keys[i] <= asOf.Value)
                    return _pageCounts.Values[i];
            }
        }
        throw new ArgumentOutOfRangeException(nameof(asOf), $"LSN {asOf} is before this writer's view of the volume.");
    }

    public void SetReadHorizon(Lsn oldestReadPoint)
    {
        lock (_lock)
        {
            // The newest size at or below the horizon is still needed; older ones are not.
            while (_pageCounts.Count > 1 && _pageCounts.Keys[1] <= oldestReadPoint.Value)
                _pageCounts.RemoveAt(0);
            if (oldestReadPoint.Value <= _horizonSent)
                return;
            _horizonSent = oldestReadPoint.Value;
        }
        TrySend(ReplicationCodec.Horizon(oldestReadPoint));
    }

    public ValueTask WaitForDurableAsync(Lsn lsn, CancellationToken cancellationToken)
    {
        TaskCompletionSource done;
        lock (_lock)
        {
            if (_failure is not null)
                return ValueTask.FromException(new VolumeException("The volume service is gone: " + _failure.Message, isTransient: true, _failure));
            if (Volatile.Read(ref _durable) >= lsn.Value)
                return ValueTask.CompletedTask;
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _durableWaiters.Add((lsn, done));
        }
        return new ValueTask(done.Task.WaitAsync(cancellationToken));
    }

    (ulong Id, TaskCompletionSource<object> Answer) NewRequest()
    {
        var answer = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        ulong id = Interlocked.Increment(ref _nextRequest);
        _pending[id] = answer;
        if (Volatile.Read(ref _failure) is { } failure)
        {
            _pending.TryRemove(id, out _);
            throw new VolumeException("The volume service is gone: " + failure.Message, isTransient: true, failure);
        }
        return (id, answer);
    }

    object Wait(ulong id, TaskCompletionSource<object> answer)
    {
        try
        {
#pragma warning disable VSTHRD002 // Called from the engine's synchronous VFS callbacks; answers arrive on the reader thread.
            if (!answer.Task.Wait(s_requestTimeout))
            {
                _pending.TryRemove(id, out _);
                throw new VolumeException("The volume service did not answer in time.", isTransient: true);
            }
            return answer.Task.Result;
#pragma warning restore VSTHRD002
        }
        catch (AggregateException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }

    void Send(byte[] message)
    {
        if (!TrySend(message))
            throw new VolumeException("The volume service is gone: " + _failure?.Message, isTransient: true, _failure);
    }

    bool TrySend(byte[] message)
    {
        try
        {
            lock (_sendLock)
                _stream.Write(message);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            Fail(ex);
            return false;
        }
    }

    void ReadLoop()
    {
        try
        {
            while (ReplicationCodec.Read(_stream) is { } message)
                Dispatch(message.Kind, message.Payload);
            Fail(new IOException("The volume service closed the connection."));
        }
#pragma warning disable CA1031 // Whatever ended the stream ends this volume.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Fail(ex);
        }
    }

    void Dispatch(ReplicationMessage kind, byte[] payload)
    {
        switch (kind)
        {
            case ReplicationMessage.Batch:
                {
                    var (batch, lsns) = ReplicationCodec.ReadBatch(payload);
                    lock (_lock)
                    {
                        _pageCounts[lsns.Commit.Value] = batch.PageCount;
                        if (lsns.Commit.Value > _appended)
                            Volatile.Write(ref _appended, lsns.Commit.Value);
                    }
                    _deliveries.Add((batch, lsns));
                    break;
                }
            case ReplicationMessage.Durable:
                {
                    var (vdl, _) = ReplicationCodec.ReadDurable(payload);
                    List<TaskCompletionSource>? done = null;
                    lock (_lock)
                    {
                        if (vdl.Value <= _durable)
                            break;
                        Volatile.Write(ref _durable, vdl.Value);
                        for (int i = _durableWaiters.Count - 1; i >= 0; i--)
                        {
                            if (_durableWaiters[i].Lsn <= vdl)
                            {
                                (done ??= []).Add(_durableWaiters[i].Done);
                                _durableWaiters.RemoveAt(i);
                            }
                        }
                    }
                    done?.ForEach(d => d.TrySetResult());
                    break;
                }
            case ReplicationMessage.CommitAnswer:
                {
                    var answer = ReplicationCodec.ReadCommitAnswer(payload);
                    Complete(answer.RequestId, answer);
                    break;
                }
            case ReplicationMessage.PageAnswer:
                {
                    var answer = ReplicationCodec.ReadPageAnswer(payload);
                    Complete(answer.RequestId, answer);
                    break;
                }
            case ReplicationMessage.Status:
                Volatile.Write(ref _hosts, JsonSerializer.Deserialize<List<ReplicaHost>>(ReplicationCodec.ReadStatus(payload), ReplicationServer.s_json) ?? []);
                break;
            case ReplicationMessage.LatestAnswer:
                {
                    var (id, latest) = ReplicationCodec.ReadLatestAnswer(payload);
                    Complete(id, latest);
                    break;
                }
            default:
                throw new InvalidDataException($"Unexpected message {kind} from the volume service.");
        }
    }

    void Complete(ulong id, object answer)
    {
        if (_pending.TryRemove(id, out var waiting))
            waiting.TrySetResult(answer);
    }

    void Fail(Exception reason)
    {
        List<TaskCompletionSource> waiters;
        lock (_lock)
        {
            if (_failure is not null)
                return;
            _failure = reason;
            waiters = [.. _durableWaiters.Select(w => w.Done)];
            _durableWaiters.Clear();
        }
        var error = new VolumeException("The volume service is gone: " + reason.Message, isTransient: true, reason);
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var waiting))
                waiting.TrySetException(error);
        }
        foreach (var waiter in waiters)
            waiter.TrySetException(error);
        _deliveries.CompleteAdding();
        _completion.TrySetException(error);
    }

    public ValueTask DisposeAsync()
    {
        Fail(new ObjectDisposedException(nameof(RemoteSharedVolume)));
        _client.Dispose();
        _deliveries.Dispose();
        return ValueTask.CompletedTask;
    }
}
