using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Borealis.Common;
using Borealis.Common.Net;
using Borealis.Common.Redo;
using Borealis.Engine;
using Borealis.Volume;
using Microsoft.Extensions.Logging;

namespace Borealis.Hosting.Replication;

/// <summary>
/// The writer's end of the redo stream: replicas subscribe on a TCP port; every commit's redo is sent to each as it
/// is appended, and the volume durable LSN (VDL) as it advances (a replica shows a commit only once VDL covers it).
/// Replicas report their oldest read point, which holds the volume's read horizon back, and their lag.
/// </summary>
public sealed class ReplicationServer : IAsyncDisposable
{
    readonly Database _database;
    readonly Func<Lsn, (VolumeEpoch Epoch, uint PageCount, Lsn[] GroupLasts)> _describe;
    readonly string _writerId;
    readonly ILogger _logger;
    readonly Socket _listener;
    readonly CancellationTokenSource _stopping = new();
    readonly SemaphoreSlim _committed = new(0, 1);
    readonly CpuMeter _cpu = new();
    readonly Lock _lock = new();
    Subscriber[] _subscribers = [];
    Task _accept = Task.CompletedTask;
    Task _durable = Task.CompletedTask;

    ReplicationServer(Database database, Socket listener, Func<Lsn, (VolumeEpoch, uint, Lsn[])> describe, string writerId, ILogger logger)
    {
        _database = database;
        _listener = listener;
        _describe = describe;
        _writerId = writerId;
        _logger = logger;
    }

    /// <summary>The port replicas connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>
    /// Starts serving the stream of <paramref name="database"/> (it must be the volume's writer) on
    /// <paramref name="endPoint"/>. <paramref name="describe"/> tells, under the write lock, the volume's epoch,
    /// page count and each protection group's last frame at a start LSN.
    /// </summary>
    /// <exception cref="IOException">The port cannot be bound.</exception>
    public static ReplicationServer Start(
        Database database, IPEndPoint endPoint, Func<Lsn, (VolumeEpoch Epoch, uint PageCount, Lsn[] GroupLasts)> describe, string writerId, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        var server = new ReplicationServer(database, AcceptLoop.Listen(endPoint), describe, writerId, logger);
        database.Committed = server.OnCommitted;
        server._accept = AcceptLoop.RunAsync(server._listener, server.OnAccepted, ex => Log.ReplicationAcceptFailed(logger, ex.Message), server._stopping.Token);
        server._durable = Task.Run(server.PushDurableAsync, CancellationToken.None);
        return server;
    }

    /// <summary>The writer and every subscribed replica, as replica_host_status shows them.</summary>
    public IReadOnlyList<ReplicaHost> Hosts
    {
        get
        {
            var now = DateTimeOffset.UtcNow;
            var hosts = new List<ReplicaHost> { new(_writerId, true, 0, _cpu.Percent, now) };
            foreach (var s in Volatile.Read(ref _subscribers))
            {
                if (s.Ready)
                    hosts.Add(new ReplicaHost(s.Id, false, s.Feedback.LagMilliseconds, s.Feedback.CpuPercent, s.LastFeedback));
            }
            return hosts;
        }
    }

    void OnCommitted(RedoBatch batch, AppendResult lsns)
    {
        var subscribers = Volatile.Read(ref _subscribers);
        if (subscribers.Length > 0)
        {
            byte[] message = ReplicationCodec.Batch(batch, lsns);
            foreach (var subscriber in subscribers)
                subscriber.Send(message);
        }
        Signal();
    }

    void Signal() => DurablePush.Signal(_committed);

    void Broadcast(byte[] message)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
            subscriber.Send(message);
    }

    /// <summary>Sends VDL whenever it moves, and at least every heartbeat; the cluster status every second.</summary>
    Task PushDurableAsync() => DurablePush.RunAsync(_database.Volume, () => _database.CommittedLsn, _committed,
        vdl => Broadcast(ReplicationCodec.Durable(vdl, NowMicroseconds())),
        () => Broadcast(ReplicationCodec.Status(JsonSerializer.SerializeToUtf8Bytes(Hosts, s_json))), _logger, _stopping.Token);

    internal static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    internal static long NowMicroseconds() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    void OnAccepted(Socket socket) => _ = SubscribeAsync(socket);

    async Task SubscribeAsync(Socket socket)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        Subscriber? subscriber = null;
        try
        {
            string id = await ReplicationCodec.ReadHelloAsync(stream, "replica", _stopping.Token);

            subscriber = new Subscriber(id, stream);
            // Under the write lock no commit is in progress: the replica gets every commit after its start.
            var start = await _database.WithWriteLockAsync(() =>
            {
                var at = _database.CommittedLsn;
                var (epoch, pageCount, lasts) = _describe(at);
                subscriber.Feedback = new ReplicaFeedback(at, at, 0, 0);
                subscriber.Send(ReplicationCodec.Start(new ReplicationStart(epoch, at, pageCount, lasts, _writerId)));
                lock (_lock)
                {
                    _subscribers = [.. _subscribers, subscriber];
                    UpdateReadPointFloor();
                }
                return at;
            }, _stopping.Token);
            Log.ReplicaSubscribed(_logger, id, start.ToString());
            var sending = subscriber.RunSenderAsync(_stopping.Token);
            await ReceiveFeedbackAsync(subscriber, _stopping.Token);
            subscriber.Close();
            await sending;
        }
        catch (Exception ex) when (StreamOutbox.IsConnectionLoss(ex))
        {
            if (!_stopping.IsCancellationRequested)
                Log.ReplicaDisconnected(_logger, subscriber?.Id ?? "?", ex.Message);
        }
        finally
        {
            if (subscriber is not null)
            {
                subscriber.Close();
                lock (_lock)
                    _subscribers = [.. _subscribers.Where(s => s != subscriber)];
                UpdateReadPointFloor();
            }
            await stream.DisposeAsync();
        }
    }

    async Task ReceiveFeedbackAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await ReplicationCodec.ReadAsync(subscriber.Stream, cancellationToken);
            if (message is null)
                return;
            if (message.Value.Kind != ReplicationMessage.Feedback)
                throw new InvalidDataException($"Unexpected {message.Value.Kind} from a replica.");
            subscriber.Feedback = ReplicationCodec.ReadFeedback(message.Value.Payload);
            subscriber.LastFeedback = DateTimeOffset.UtcNow;
            subscriber.Ready = true;
            UpdateReadPointFloor();
            if (subscriber.Failed is { } reason)
                throw new IOException(reason);
        }
    }

    /// <summary>Under the lock: a floor computed from an older list must never overwrite one that includes a newer subscriber.</summary>
    void UpdateReadPointFloor()
    {
        lock (_lock)
        {
            var floor = Lsn.MaxValue;
            foreach (var s in _subscribers)
                floor = Lsn.Min(floor, s.Feedback.OldestReadPoint);
            _database.ReplicaReadPoint = floor;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _database.Committed = null;
        _listener.Dispose();
        foreach (var subscriber in Volatile.Read(ref _subscribers))
            subscriber.Close();
#pragma warning disable VSTHRD003 // started by this object
        await _accept;
        await _durable;
#pragma warning restore VSTHRD003
        _stopping.Dispose();
        _database.ReplicaReadPoint = Lsn.MaxValue;
    }

    sealed class Subscriber(string id, NetworkStream stream) : StreamOutbox(stream, "replica")
    {
        public string Id { get; } = id;
        public ReplicaFeedback Feedback { get; set; }
        public DateTimeOffset LastFeedback { get; set; } = DateTimeOffset.UtcNow;
        public bool Ready { get; set; }
    }
}
