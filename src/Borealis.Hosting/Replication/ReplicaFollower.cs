using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Control;
using Borealis.Engine;
using Borealis.Volume;
using Microsoft.Extensions.Logging;

namespace Borealis.Hosting.Replication;

/// <summary>
/// A replica's end of the redo stream: subscribes to the writer, opens the database on the shared volume at the
/// start the writer gives, then applies each commit once the writer's VDL covers it (a commit's records together,
/// never beyond VDL) and reports its oldest read point and lag back. <see cref="Completion"/> ends when the stream
/// is lost; the replica then restarts (crash-only), as Aurora replicas do when the writer changes.
/// </summary>
public sealed class ReplicaFollower : IAsyncDisposable
{
    static readonly TimeSpan s_feedbackEvery = TimeSpan.FromMilliseconds(100);
    /// <summary>No message (the writer heartbeats every 100 ms) for this long: the writer is gone.</summary>
    static readonly TimeSpan s_silenceLimit = TimeSpan.FromSeconds(3);

    readonly TcpClient _client;
    readonly NetworkStream _stream;
    readonly IReplicaVolume _volume;
    readonly ILogger _logger;
    readonly Queue<(RedoBatch Batch, AppendResult Lsns)> _pending = new();
    readonly CancellationTokenSource _stopping = new();
    readonly CpuMeter _cpu = new();
    Database? _database;
    Lsn _vdl;
    long _vdlWriterTime;
    double _lagMs;
    long _appliedCommits;
    readonly ReplicaLagWindow _lags = new();
    IReadOnlyList<ReplicaHost> _hosts = [];
    Task _receive = Task.CompletedTask;
    Task _feedback = Task.CompletedTask;

    ReplicaFollower(TcpClient client, IReplicaVolume volume, ReplicationStart start, string id, ILogger logger)
    {
        _client = client;
        _stream = client.GetStream();
        _volume = volume;
        Start = start;
        Id = id;
        _logger = logger;
    }

    public string Id { get; }

    /// <summary>Where the stream started and whose it is.</summary>
    public ReplicationStart Start { get; }

    /// <summary>The replica's database (read-only).</summary>
    public Database Database => _database!;

    /// <summary>Time from the writer's VDL advance to the commit being visible here, for the last commit applied.</summary>
    public double LagMilliseconds => Volatile.Read(ref _lagMs);

    /// <summary>Commits of the stream applied since this follower started.</summary>
    public long AppliedCommits => Interlocked.Read(ref _appliedCommits);

    /// <summary>The replication part of the instance's status: the current lag and its recent percentiles.</summary>
    public InstanceReplicaStatus Status()
    {
        var window = _lags.Percentiles();
        return new InstanceReplicaStatus
        {
            WriterId = Start.WriterId,
            LagMs = Math.Round(LagMilliseconds, 3),
            LagP50Ms = Round(window.P50),
            LagP99Ms = Round(window.P99),
            LagMaxMs = Round(window.Max),
            LagSamples = window.Samples,
            LagWindowSeconds = ReplicaLagWindow.Span.TotalSeconds,
            AppliedCommits = AppliedCommits,
        };

        static double? Round(double? ms) => ms is { } v ? Math.Round(v, 3) : null;
    }

    /// <summary>The cluster as the writer last described it, with this replica's own lag current.</summary>
    public IReadOnlyList<ReplicaHost> Hosts
    {
        get
        {
            var hosts = Volatile.Read(ref _hosts).ToList();
            if (hosts.Count == 0)
                hosts.Add(new ReplicaHost(Start.WriterId, true, 0, 0, DateTimeOffset.UtcNow));
            int self = hosts.FindIndex(h => h.ServerId == Id);
            var mine = new ReplicaHost(Id, false, LagMilliseconds, _cpu.Percent, DateTimeOffset.UtcNow);
            if (self >= 0)
                hosts[self] = mine;
            else
                hosts.Add(mine);
            return hosts;
        }
    }

    /// <summary>Ends (with the reason as its exception) when the writer's stream is lost.</summary>
#pragma warning disable VSTHRD003 // started by this object
    public Task Completion => _receive;
#pragma warning restore VSTHRD003

    /// <summary>
    /// Subscribes to the writer at <paramref name="writer"/>, opens the shared volume with
    /// <paramref name="openVolume"/> at the start it is given, and the database once VDL covers that start.
    /// </summary>
    /// <exception cref="IOException">The writer cannot be reached or broke the protocol.</exception>
    public static async Task<ReplicaFollower> StartAsync(
        IPEndPoint writer, string id, Func<ReplicationStart, CancellationToken, Task<IReplicaVolume>> openVolume,
        DatabaseOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(openVolume);
        ArgumentNullException.ThrowIfNull(options);
        var client = new TcpClient { NoDelay = true };
        IReplicaVolume? volume = null;
        ReplicaFollower? follower = null;
        try
        {
            await client.ConnectAsync(writer, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync(ReplicationCodec.Hello(id), cancellationToken);
            var first = await ReadAsync(stream, cancellationToken);
            if (first.Kind != ReplicationMessage.Start)
                throw new InvalidDataException($"The writer sent {first.Kind} before Start.");
            var start = ReplicationCodec.ReadStart(first.Payload);
#pragma warning disable VSTHRD003 // the caller's factory starts the work
            volume = await openVolume(start, cancellationToken);
#pragma warning restore VSTHRD003
            follower = new ReplicaFollower(client, volume, start, id, logger);
            Log.FollowingWriter(logger, start.WriterId, writer.ToString(), start.Start.ToString(), start.Epoch.Value);
            // The database opens at the start once it is durable; commits after it wait meanwhile.
            while (follower._vdl < start.Start)
                follower.Handle(await ReadAsync(stream, cancellationToken));
            follower._database = Database.Open(volume, options with { ReadOnly = true });
            follower.ApplyDurable();
            follower._receive = follower.ReceiveOnThreadAsync();
            follower._feedback = Task.Run(follower.SendFeedbackAsync, CancellationToken.None);
            return follower;
        }
        catch (Exception ex) when (ex is SocketException or InvalidDataException or EndOfStreamException)
        {
            client.Dispose();
            if (volume is not null)
                await volume.DisposeAsync();
            throw new IOException($"cannot follow the writer at {writer}: {ex.Message}", ex);
        }
        catch
        {
            client.Dispose();
            if (follower?._database is { } database)
                await database.DisposeAsync();
            if (volume is not null)
                await volume.DisposeAsync();
            throw;
        }
    }

    static async Task<(ReplicationMessage Kind, byte[] Payload)> ReadAsync(Stream stream, CancellationToken cancellationToken) =>
        await ReplicationCodec.ReadAsync(stream, cancellationToken) ?? throw new EndOfStreamException("The writer closed the stream.");

    void Handle((ReplicationMessage Kind, byte[] Payload) message)
    {
        switch (message.Kind)
        {
            case ReplicationMessage.Batch:
                var (batch, lsns) = ReplicationCodec.ReadBatch(message.Payload);
                _volume.Observe(batch, lsns);
                _pending.Enqueue((batch, lsns));
                break;
            case ReplicationMessage.Durable:
                var (vdl, writerTime) = ReplicationCodec.ReadDurable(message.Payload);
                if (vdl > _vdl)
                {
                    _vdl = vdl;
                    _vdlWriterTime = writerTime;
                    _volume.AdvanceDurable(vdl);
                }
                break;
            case ReplicationMessage.Status:
                Volatile.Write(ref _hosts, JsonSerializer.Deserialize<List<ReplicaHost>>(ReplicationCodec.ReadStatus(message.Payload), ReplicationServer.s_json) ?? []);
                break;
            default:
                throw new InvalidDataException($"Unexpected {message.Kind} from the writer.");
        }
        if (_database is not null)
            ApplyDurable();
    }

    /// <summary>
    /// Makes visible every received commit that VDL covers, in order, and records each one's lag: from the writer's
    /// VDL advance that covered it to now, when it is visible.
    /// </summary>
    void ApplyDurable()
    {
        while (_pending.TryPeek(out var next) && next.Lsns.Commit <= _vdl)
        {
            _pending.Dequeue();
            if (!_database!.ApplyReplicated(next.Batch, next.Lsns))
                continue;
            double lag = Math.Max(0, (ReplicationServer.NowMicroseconds() - _vdlWriterTime) / 1000.0);
            _lags.Record(lag);
            Interlocked.Increment(ref _appliedCommits);
            Volatile.Write(ref _lagMs, lag);
        }
    }

    /// <summary>
    /// Receives and applies the stream on a dedicated thread (blocking reads): the replica's sessions block
    /// thread-pool threads on page reads, and the stream must not wait behind them (lag, and the writer's heartbeats
    /// that tell it is alive).
    /// </summary>
    Task ReceiveOnThreadAsync()
    {
        _stream.ReadTimeout = (int)s_silenceLimit.TotalMilliseconds;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Receive();
                done.TrySetResult();
            }
#pragma warning disable CA1031 // the stream's end, reported through Completion
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.TrySetException(ex);
            }
        })
        { IsBackground = true, Name = "replica-receive" };
        thread.Start();
        return done.Task;
    }

    void Receive()
    {
        var stopping = _stopping.Token;
        try
        {
            while (true)
            {
                (ReplicationMessage, byte[]) message;
                try
                {
                    message = ReplicationCodec.Read(_stream) ?? throw new EndOfStreamException("The writer closed the stream.");
                }
                catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut } && !stopping.IsCancellationRequested)
                {
                    throw new IOException($"no message from the writer for {s_silenceLimit.TotalSeconds:0} s", ex);
                }
                Handle(message);
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Disposed: the socket was closed under the blocking read.
        }
        catch (Exception ex)
        {
            Log.LostWriterStream(_logger, ex.Message);
            throw;
        }
    }

    async Task SendFeedbackAsync()
    {
        var stopping = _stopping.Token;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var feedback = new ReplicaFeedback(_database!.OldestReadPoint, _database.CommittedLsn, LagMilliseconds, _cpu.Percent);
                await _stream.WriteAsync(ReplicationCodec.Feedback(feedback), stopping);
                await Task.Delay(s_feedbackEvery, stopping);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The receive side reports a lost stream.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _client.Dispose();
        try
        {
#pragma warning disable VSTHRD003 // started by this object
            await _receive;
#pragma warning restore VSTHRD003
        }
#pragma warning disable CA1031 // The stream's end is reported through Completion; disposal only waits for it.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
#pragma warning disable VSTHRD003
        await _feedback;
#pragma warning restore VSTHRD003
        if (_database is not null)
            await _database.DisposeAsync();
        await _volume.DisposeAsync();
        _stopping.Dispose();
    }
}
