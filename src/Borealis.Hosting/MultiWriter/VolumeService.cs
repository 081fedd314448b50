using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Borealis.Common.Net;
using Borealis.Common.Redo;
using Borealis.Hosting.Replication;
using Borealis.Volume;
using Borealis.Volume.MultiWriter;
using Microsoft.Extensions.Logging;

namespace Borealis.Hosting.MultiWriter;

/// <summary>
/// The volume of a multi-master cluster, served to its writers (<c>borealis volume-service</c>): it holds the quorum
/// volume (the only process that appends to the storage nodes, in one epoch) and its <see cref="SharedVolume"/>
/// sequencer. Each writer connects over TCP and gets: its commits validated page by page and appended (LSNs, or the
/// conflict), every other writer's commit in LSN order, the volume durable LSN, and pages read from storage.
/// A writer that crashes costs nothing here: its connection ends, its handle is detached.
/// </summary>
/// <remarks>Messages: the redo stream's framing (<see cref="ReplicationCodec"/>), docs/replication.md "Multi-master".</remarks>
public sealed class VolumeService : IAsyncDisposable
{
    readonly IVolume _volume;
    readonly SharedVolume _shared;
    readonly Socket _listener;
    readonly ILogger _logger;
    readonly CancellationTokenSource _stopping = new();
    readonly SemaphoreSlim _appended = new(0, 1);
    readonly Lock _lock = new();
    readonly List<Connection> _connections = [];
    Task _accept = Task.CompletedTask;
    Task _durable = Task.CompletedTask;

    VolumeService(IVolume volume, Socket listener, ILogger logger)
    {
        _volume = volume;
        _shared = new SharedVolume(volume);
        _listener = listener;
        _logger = logger;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Serves <paramref name="volume"/> (open, appended to by no one else) to writers on <paramref name="endPoint"/>.</summary>
    /// <exception cref="IOException">The port cannot be bound.</exception>
    public static VolumeService Start(IVolume volume, IPEndPoint endPoint, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var service = new VolumeService(volume, AcceptLoop.Listen(endPoint), logger);
        service._accept = AcceptLoop.RunAsync(service._listener, s => _ = service.ServeAsync(s), ex => Log.ReplicationAcceptFailed(logger, ex.Message), service._stopping.Token);
        service._durable = Task.Run(service.PushDurableAsync, CancellationToken.None);
        return service;
    }

    async Task ServeAsync(Socket socket)
    {
        socket.NoDelay = true;
        var stream = new NetworkStream(socket, ownsSocket: true);
        Connection? connection = null;
        try
        {
            string id = await ReplicationCodec.ReadHelloAsync(stream, "writer", _stopping.Token);
            var handle = _shared.Connect();
            connection = new Connection(id, stream, handle);
            var at = handle.AttachedAt;
            connection.Send(ReplicationCodec.Start(new ReplicationStart(_volume.Epoch, at, _volume.GetPageCount(at), [], "volume-service")));
            handle.StartDelivery((batch, lsns) => connection.Send(ReplicationCodec.Batch(batch, lsns)));
            lock (_lock)
                _connections.Add(connection);
            Log.VolumeServiceWriterJoined(_logger, connection.Id, connection.Handle.AttachedAt.ToString());
            connection.Send(ReplicationCodec.Durable(_volume.DurableLsn, ReplicationServer.NowMicroseconds()));
            var sending = connection.RunSenderAsync(_stopping.Token);
            while (await ReplicationCodec.ReadAsync(stream, _stopping.Token) is { } request)
            {
                Handle(connection, request.Kind, request.Payload);
                if (connection.Failed is { } reason)
                    throw new IOException(reason);
            }
            connection.Close();
            await sending;
        }
        catch (Exception ex) when (StreamOutbox.IsConnectionLoss(ex))
        {
            if (!_stopping.IsCancellationRequested)
                Log.VolumeServiceWriterLost(_logger, connection?.Id ?? "(before hello)", ex.Message);
        }
        finally
        {
            if (connection is not null)
            {
                lock (_lock)
                    _connections.Remove(connection);
                connection.Close();
                await connection.Handle.DisposeAsync();
            }
            await stream.DisposeAsync();
        }
    }

    void Handle(Connection connection, ReplicationMessage kind, byte[] payload)
    {
        switch (kind)
        {
            case ReplicationMessage.CommitRequest:
                {
                    var (id, snapshot, count, batch) = ReplicationCodec.ReadCommitRequest(payload);
                    foreach (var record in batch.Records)
                    {
                        if (!PageDelta.IsWellFormed(record.Delta.Span, _volume.PageSize))
                            throw new InvalidDataException($"A malformed delta for page {record.Page} from writer {connection.Id}.");
                    }
                    try
                    {
                        var lsns = connection.Handle.Append(batch, snapshot, count);
                        connection.Send(ReplicationCodec.CommitAccepted(id, lsns, _volume.GetPageCount(lsns.Commit)));
                        Signal();
                    }
                    catch (WriteConflictException conflict)
                    {
                        connection.Send(ReplicationCodec.CommitConflict(id, conflict.Page, conflict.Snapshot, conflict.Newer));
                    }
                    catch (Exception ex) when (ex is VolumeException or ArgumentException or InvalidOperationException or ObjectDisposedException)
                    {
                        connection.Send(ReplicationCodec.CommitFailed(id, ex.Message));
                    }
                    break;
                }
            case ReplicationMessage.PageRequest:
                {
                    var (id, page, asOf) = ReplicationCodec.ReadPageRequest(payload);
                    // A read may wait on storage: never on the connection's reading loop.
                    _ = Task.Run(() =>
                    {
                        var buffer = new byte[_volume.PageSize];
                        try
                        {
                            var version = _volume.ReadPage(page, asOf, buffer);
                            connection.Send(ReplicationCodec.PageAnswer(id, version, buffer));
                        }
#pragma warning disable CA1031 // Any failure of the read is the writer's answer.
                        catch (Exception ex)
#pragma warning restore CA1031
                        {
                            connection.Send(ReplicationCodec.PageFailed(id, ex.Message));
                        }
                    });
                    break;
                }
            case ReplicationMessage.LatestRequest:
                connection.Send(ReplicationCodec.LatestAnswer(ReplicationCodec.ReadLatestRequest(payload), _shared.LatestCommit));
                break;
            case ReplicationMessage.Horizon:
                connection.Handle.SetReadHorizon(ReplicationCodec.ReadHorizon(payload));
                break;
            default:
                throw new InvalidDataException($"Unexpected message {kind} from writer {connection.Id}.");
        }
    }

    void Signal() => DurablePush.Signal(_appended);

    /// <summary>Sends VDL to every writer whenever it moves, and at least every heartbeat; the writers on the volume every second.</summary>
    Task PushDurableAsync() => DurablePush.RunAsync(_volume, () => _volume.AppendedLsn, _appended,
        vdl => SendAll(ReplicationCodec.Durable(vdl, ReplicationServer.NowMicroseconds())),
        () =>
        {
            // Every writer's replica_host_status lists the writers on the volume now.
            var at = DateTimeOffset.UtcNow;
            var hosts = Connections().Select(c => new ReplicaHost(c.Id, true, 0, 0, at)).OrderBy(h => h.ServerId, StringComparer.Ordinal).ToList();
            SendAll(ReplicationCodec.Status(JsonSerializer.SerializeToUtf8Bytes(hosts, ReplicationServer.s_json)));
        }, _logger, _stopping.Token);

    Connection[] Connections()
    {
        lock (_lock)
            return [.. _connections];
    }

    void SendAll(byte[] message)
    {
        foreach (var connection in Connections())
            connection.Send(message);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
#pragma warning disable VSTHRD003 // The service's own loops, ended by the cancellation above.
        await _accept;
        await _durable;
#pragma warning restore VSTHRD003
        await _shared.DisposeAsync();
        _stopping.Dispose();
    }

    /// <summary>One writer's connection: its sequencer handle and its ordered send queue.</summary>
    sealed class Connection(string id, NetworkStream stream, ISharedVolume handle) : StreamOutbox(stream, "writer")
    {
        public string Id { get; } = id;

        public ISharedVolume Handle { get; } = handle;
    }
}
