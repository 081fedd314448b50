using System.Net;
using Borealis.Common;
using Borealis.Control;
using Borealis.Engine;
using Borealis.Hosting.MultiWriter;
using Borealis.Hosting.Replication;
using Borealis.MySql;
using Borealis.Sql;
using Borealis.Volume;
using Borealis.Volume.Quorum;
using Microsoft.Extensions.Logging;

namespace Borealis.Hosting;

/// <summary>
/// Composes one database instance: volume → engine → SQL layer → MySQL endpoint. Used by <c>borealis instance</c>
/// and, in-process, by tests.
/// </summary>
public sealed class InstanceHost : IAsyncDisposable
{
    readonly IVolume _volume;
    readonly Database _database;
    readonly MySqlServer _server;
    readonly SqlServer _sql;
    readonly InstanceOptions _options;
    readonly ILogger _logger;
    readonly string _id;
    readonly CancellationTokenSource _stopping = new();
    Task _topologyWatch = Task.CompletedTask;
    ReplicationServer? _replication;
    ReplicaFollower? _follower;
    RemoteSharedVolume? _sharedVolume;
    InstanceStatusServer? _status;

    InstanceHost(InstanceOptions options, IVolume volume, Database database, (MySqlServer Server, SqlServer Sql) endpoint, ILogger logger)
    {
        _options = options;
        _id = options.Id;
        _volume = volume;
        _database = database;
        (_server, _sql) = endpoint;
        _logger = logger;
    }

    /// <summary>The port the MySQL endpoint listens on.</summary>
    public int Port => _server.Port;

    public Database Database => _database;

    /// <summary>Writer: the port replicas subscribe to its redo stream on; 0 when it serves none.</summary>
    public int ReplicationPort => _replication?.Port ?? 0;

    /// <summary>The port of the status endpoint (<see cref="InstanceStatusServer"/>); 0 when it serves none.</summary>
    public int StatusPort => _status?.Port ?? 0;

    /// <summary>
    /// What the status endpoint answers: this instance's counters since the process started (commits, client
    /// statements, connections, buffer cache), its LSNs, and a reader's replica lag with its recent percentiles.
    /// Cheap: counters read without locks, plus the engine's read points and, on a reader, a copy of the lag window.
    /// </summary>
    public InstanceStatus Status()
    {
        var stats = _database.GetStatistics();
        long reads = stats.CacheHits + stats.CacheMisses;
        return new InstanceStatus
        {
            Id = _id,
            Role = _follower is null ? InstanceRole.Writer : InstanceRole.Reader,
            Tier = _options.Tier,
            Pid = Environment.ProcessId,
            UptimeSeconds = Math.Round(_server.Uptime.TotalSeconds, 3),
            CommittedLsn = stats.CommittedLsn.Value,
            DurableLsn = stats.DurableLsn.Value,
            // A reader commits nothing itself: the commits its database counts are the writer's, applied.
            Commits = _follower is null ? stats.Commits : 0,
            Queries = _sql.Queries,
            Connections = _sql.SessionCount,
            ConnectionsTotal = _server.ConnectionsTotal,
            BufferCacheHits = stats.CacheHits,
            BufferCacheMisses = stats.CacheMisses,
            BufferCacheHitRatio = reads == 0 ? null : Math.Round((double)stats.CacheHits / reads, 4),
            Replica = _follower?.Status(),
        };
    }

    /// <summary>
    /// Reader: completes (faulted, with the reason) when the writer's stream is lost; the process then exits so that
    /// it is restarted on the current writer. A writer's never completes.
    /// </summary>
    public Task Lost => _follower?.Completion ?? _sharedVolume?.Completion ?? Task.Delay(Timeout.Infinite, _stopping.Token);

    /// <summary>
    /// Starts the instance: a writer opens the volume (recovering it) and serves the redo stream to replicas; a reader
    /// follows the current writer's stream on the shared volume. Then the engine and the MySQL endpoint.
    /// </summary>
    /// <exception cref="HostingException">The port is busy, the volume cannot be opened, or no writer can be followed.</exception>
    public static async Task<InstanceHost> StartAsync(InstanceOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger("Borealis.Instance");

        var topology = options.StorageTopologyFile is { } topologyFile
            ? StorageTopology.TryRead(topologyFile) ?? throw new HostingException($"the storage topology '{topologyFile}' does not exist")
            : null;
        if (options.Role == InstanceRole.Reader)
            return await StartReaderAsync(options, topology, loggerFactory, logger, cancellationToken);
        if (options.VolumeService is { } service)
            return await StartSharedWriterAsync(options, service, loggerFactory, logger, cancellationToken);

        IVolume volume = topology is not null
            ? await OpenQuorumVolumeAsync(options, topology, loggerFactory, cancellationToken)
            : await OpenLocalVolumeAsync(options, cancellationToken);
        string volumeName = options.StorageTopologyFile is null ? options.VolumeDirectory! : $"quorum ({options.StorageTopologyFile})";

        Database? database = null;
        ReplicationServer? replication = null;
        try
        {
            database = Database.Open(volume, new DatabaseOptions { CacheBytes = options.CacheBytes });
            if (options.ReplicationPort is int replicationPort)
            {
                try
                {
                    replication = ReplicationServer.Start(database, new IPEndPoint(IPAddress.Loopback, replicationPort), DescribeVolume(volume), options.Id,
                        loggerFactory.CreateLogger("Borealis.Replication"));
                }
                catch (IOException ex)
                {
                    throw new HostingException($"cannot serve the redo stream: {ex.Message}", ex);
                }
            }
            var endpoint = await StartServerAsync(options, database, replication is null ? null : () => replication.Hosts, loggerFactory);
            Log.InstanceServing(logger, options.Id, $"127.0.0.1:{endpoint.Server.Port}", volumeName, volume.DurableLsn.ToString());
            var host = new InstanceHost(options, volume, database, endpoint, logger) { _replication = replication };
            if (volume is QuorumVolume quorum && options.StorageTopologyFile is { } file && topology is not null)
                host._topologyWatch = host.FollowTopologyAsync(quorum, file, topology);
            await host.StartStatusAsync(cancellationToken);
            return host;
        }
        catch
        {
            if (replication is not null)
                await replication.DisposeAsync();
            if (database is not null)
                await database.DisposeAsync();
            await volume.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Multi-master: one of the writers of the volume the volume service holds. Joins it (retrying until it answers),
    /// then serves. No redo stream to readers: a multi-master cluster has none.
    /// </summary>
    static async Task<InstanceHost> StartSharedWriterAsync(
        InstanceOptions options, IPEndPoint service, ILoggerFactory loggerFactory, ILogger logger, CancellationToken cancellationToken)
    {
        var volume = await JoinVolumeServiceAsync(options, service, cancellationToken);
        Database? database = null;
        try
        {
            database = Database.Open(volume, new DatabaseOptions { CacheBytes = options.CacheBytes });
            var endpoint = await StartServerAsync(options, database, () => volume.Hosts is { Count: > 0 } hosts ? hosts : [new ReplicaHost(options.Id, true, 0, 0, DateTimeOffset.UtcNow)], loggerFactory);
            Log.InstanceServing(logger, options.Id, $"127.0.0.1:{endpoint.Server.Port}", $"multi-master writer on the volume service {service}", volume.DurableLsn.ToString());
            var host = new InstanceHost(options, volume, database, endpoint, logger) { _sharedVolume = volume };
            await host.StartStatusAsync(cancellationToken);
            return host;
        }
        catch
        {
            if (database is not null)
                await database.DisposeAsync();
            await volume.DisposeAsync();
            throw;
        }
    }

    static async Task<RemoteSharedVolume> JoinVolumeServiceAsync(InstanceOptions options, IPEndPoint service, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.WriterWaitTimeout);
        while (true)
        {
            try
            {
                return await RemoteSharedVolume.ConnectAsync(service, options.Id, timeout.Token);
            }
            catch (IOException ex)
            {
                try
                {
                    await Task.Delay(100, timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new HostingException($"no volume service at {service} within {options.WriterWaitTimeout.TotalSeconds:0} s ({ex.Message})");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new HostingException($"no volume service at {service} within {options.WriterWaitTimeout.TotalSeconds:0} s");
            }
        }
    }

    /// <summary>What a replica subscribing at an LSN is told about the volume (under the engine's write lock).</summary>
    static Func<Lsn, (VolumeEpoch Epoch, uint PageCount, Lsn[] GroupLasts)> DescribeVolume(IVolume volume) =>
        at => (volume.Epoch, volume.GetPageCount(at), volume is QuorumVolume quorum ? quorum.GetGroupLasts(at) : []);

    static async Task<InstanceHost> StartReaderAsync(
        InstanceOptions options, StorageTopology? topology, ILoggerFactory loggerFactory, ILogger logger, CancellationToken cancellationToken)
    {
        if (topology is null)
            throw new HostingException("a reader needs the storage nodes (--storage FILE): a local volume has no readers");
        var follow = options.FollowFile ?? throw new HostingException("a reader needs the cluster file that names its writer (--follow FILE)");
        var follower = await FollowWriterAsync(options, topology, follow, loggerFactory, logger, cancellationToken);
        try
        {
            var endpoint = await StartServerAsync(options, follower.Database, () => follower.Hosts, loggerFactory);
            Log.InstanceServing(logger, options.Id, $"127.0.0.1:{endpoint.Server.Port}", $"replica of {follower.Start.WriterId}", follower.Database.DurableLsn.ToString());
            var host = new InstanceHost(options, follower.Database.Volume, follower.Database, endpoint, logger) { _follower = follower };
            await host.StartStatusAsync(cancellationToken);
            return host;
        }
        catch
        {
            await follower.DisposeAsync();
            throw;
        }
    }

    /// <summary>Finds the writer in the cluster file and subscribes to its redo stream, retrying until it answers.</summary>
    static async Task<ReplicaFollower> FollowWriterAsync(
        InstanceOptions options, StorageTopology topology, string followFile, ILoggerFactory loggerFactory, ILogger logger, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.WriterWaitTimeout);
        string lastProblem = "no writer in " + followFile;
        while (true)
        {
            var writer = ClusterState.TryRead(followFile)?.Processes
                .FirstOrDefault(p => p.Role == "writer" && p.State == ProcessStatus.Running && p.ReplicationPort > 0);
            if (writer is not null)
            {
                try
                {
                    return await ReplicaFollower.StartAsync(new IPEndPoint(IPAddress.Loopback, writer.ReplicationPort), options.Id,
                        (start, token) => OpenReplicaVolumeAsync(options, topology, start, loggerFactory, token),
                        new DatabaseOptions { CacheBytes = options.CacheBytes }, loggerFactory.CreateLogger("Borealis.Replication"), timeout.Token);
                }
                catch (VolumeException ex)
                {
                    lastProblem = $"cannot open the shared volume: {ex.Message}";
                }
                catch (IOException ex)
                {
                    lastProblem = ex.Message;
                }
            }
            try
            {
                await Task.Delay(100, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new HostingException($"no writer to follow within {options.WriterWaitTimeout.TotalSeconds:0} s ({lastProblem})");
            }
        }
    }

    /// <summary>
    /// The status endpoint, when <see cref="InstanceOptions.StatusPort"/> asks for one. It is secondary: when its port
    /// is taken, the instance serves without it (the probe then sees no status; the failure is logged).
    /// </summary>
    async Task StartStatusAsync(CancellationToken cancellationToken)
    {
        if (_options.StatusPort is not int port)
            return;
        try
        {
            _status = await InstanceStatusServer.StartAsync(port, Status, cancellationToken);
            Log.StatusServing(_logger, _id, _status.Port);
        }
        catch (IOException ex)
        {
            Log.StatusFailed(_logger, _id, port, ex.Message);
        }
    }

    /// <summary>The MySQL endpoint over the SQL layer, for either role.</summary>
    static async Task<(MySqlServer Server, SqlServer Sql)> StartServerAsync(
        InstanceOptions options, Database database, Func<IReadOnlyList<ReplicaHost>>? hosts, ILoggerFactory loggerFactory)
    {
        var admin = UserAccount.FromPassword("admin", options.AdminPassword);
        var sql = new SqlServer(database, new SqlServerOptions
        {
            ServerId = options.Id,
            // Each writer of a multi-master cluster is its own host, as in Aurora (clients tell them apart by it).
            Hostname = options.VolumeService is null ? Environment.MachineName : $"{Environment.MachineName}-{options.Id}",
            Port = options.EndPoint.Port,
            Accounts = [new AccountInfo(admin.Name, admin.DefaultPlugin)],
            ReadOnly = options.Role == InstanceRole.Reader,
            ReplicaStatus = hosts is null ? null : () => hosts().Select(ToStatusRow).ToList(),
            Crash = Crash,
        });
        var users = new UserStore(admin);
        var server = new MySqlServer(
            new MySqlServerOptions
            {
                EndPoint = options.EndPoint,
                Users = users,
                Certificate = options.TlsDirectory is null ? null : TlsCertificates.LoadOrCreate(options.TlsDirectory),
            },
            sql.OpenSession,
            loggerFactory.CreateLogger("Borealis.MySql"));
        try
        {
            await server.StartAsync(CancellationToken.None);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            await server.DisposeAsync();
            throw new HostingException($"cannot listen on {options.EndPoint}: {ex.Message}", ex);
        }
        return (server, sql);
    }

    /// <summary>Exit code of a process crashed on purpose by ALTER SYSTEM CRASH: the supervisor restarts it in place (no failover).</summary>
    public const int CrashExitCode = 86;

    /// <summary>
    /// ALTER SYSTEM CRASH: the process ends at once, without closing anything — as a real crash would. Its sessions
    /// see a lost connection; acknowledged commits are on the volume already; the supervisor restarts it.
    /// </summary>
    static void Crash(CrashTarget target)
    {
        Console.Error.WriteLine($"ALTER SYSTEM CRASH {target.ToString().ToUpperInvariant()}: crashing now");
        NativeMethods.ExitImmediately(CrashExitCode);
    }

    static ReplicaHostStatus ToStatusRow(ReplicaHost host) => new(
        host.ServerId,
        host.IsWriter ? ReplicaHostStatus.MasterSessionId : SessionIdOf(host.ServerId),
        IsCurrent: true,
        host.CpuPercent,
        host.LastUpdate.UtcDateTime,
        host.IsWriter ? 0 : Math.Round(host.LagMilliseconds, 3));

    /// <summary>A reader's SESSION_ID: a UUID, stable for the instance id.</summary>
    static string SessionIdOf(string serverId) =>
        new Guid(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(serverId)).AsSpan(0, 16)).ToString();

    static async Task<IVolume> OpenLocalVolumeAsync(InstanceOptions options, CancellationToken cancellationToken)
    {
        var directory = options.VolumeDirectory ?? throw new HostingException("an instance needs a volume directory or a storage topology");
        try
        {
            // The volume's in-memory redo is sized from the instance's cache setting, so that one knob bounds memory.
            var volumeOptions = new LocalVolumeOptions
            {
                MaxMemoryRedoBytes = Math.Clamp(options.CacheBytes / 4, 4L << 20, 64L << 20),
            };
            return await LocalVolume.OpenAsync(directory, volumeOptions, cancellationToken);
        }
        catch (VolumeException ex)
        {
            throw new HostingException($"cannot open the volume at '{directory}': {ex.Message}", ex);
        }
    }

    internal static async Task<IVolume> OpenQuorumVolumeAsync(
        InstanceOptions options, StorageTopology topology, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StorageOpenTimeout);
        try
        {
            return await QuorumVolume.OpenAsync(new QuorumVolumeOptions
            {
                Nodes = topology.ToNodeInfos(),
                PagesPerGroup = topology.PagesPerGroup,
                Logger = loggerFactory.CreateLogger("Borealis.Volume"),
            }, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HostingException(
                $"no quorum of storage nodes answered within {options.StorageOpenTimeout.TotalSeconds:0} s (nodes: {string.Join(", ", topology.Nodes.Select(n => n.Address))})");
        }
        catch (VolumeException ex)
        {
            throw new HostingException($"cannot open the quorum volume: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Re-reads the topology file when it changes (also a change made while the volume was opening from
    /// <paramref name="opened"/>) and hands the fleet to the volume (nodes added, nodes retired).
    /// </summary>
    Task FollowTopologyAsync(QuorumVolume volume, string file, StorageTopology opened) =>
        FollowTopologyAsync(volume, file, opened, _logger, _stopping.Token);

    /// <summary>
    /// Hands every change of the topology file (nodes added, nodes retired) to the volume that appends to the nodes:
    /// the writer's, or a multi-master cluster's volume service. Runs until <paramref name="stopping"/>.
    /// </summary>
    internal static Task FollowTopologyAsync(QuorumVolume volume, string file, StorageTopology opened, ILogger logger, CancellationToken stopping) =>
        StorageTopology.FollowAsync(file, opened, TimeSpan.FromMilliseconds(500), topology =>
        {
            var fleet = topology.ToNodeInfos();
            volume.UpdateFleet(fleet);
            Log.FleetChanged(logger, fleet.Count, string.Join(",", topology.Nodes.Where(n => n.Retired).Select(n => n.Id)));
        }, message => Log.TopologyUnreadable(logger, message), stopping);

    /// <summary>Stops accepting connections, closes sessions, and closes the volume cleanly.</summary>
    public async ValueTask DisposeAsync()
    {
        Log.InstanceStopping(_logger, _id);
        await _stopping.CancelAsync();
        if (_status is not null)
            await _status.DisposeAsync();
#pragma warning disable VSTHRD003 // started by this object in StartAsync
        await _topologyWatch;
#pragma warning restore VSTHRD003
        await _server.DisposeAsync();
        if (_follower is not null)
        {
            await _follower.DisposeAsync(); // The replica's database and volume are the follower's.
        }
        else
        {
            if (_replication is not null)
                await _replication.DisposeAsync();
            await _database.DisposeAsync();
            await _volume.DisposeAsync();
        }
        _stopping.Dispose();
    }

    /// <summary>The shared quorum volume, read-only, at the start the writer gave.</summary>
    static async Task<IReplicaVolume> OpenReplicaVolumeAsync(
        InstanceOptions options, StorageTopology topology, ReplicationStart start, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StorageOpenTimeout);
        try
        {
            return await QuorumReplicaVolume.OpenAsync(new QuorumVolumeOptions
            {
                Nodes = topology.ToNodeInfos(),
                PagesPerGroup = topology.PagesPerGroup,
                Logger = loggerFactory.CreateLogger("Borealis.Volume"),
            }, start.Epoch, start.Start, start.GroupLasts, start.PageCount, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VolumeException($"no storage node answered within {options.StorageOpenTimeout.TotalSeconds:0} s", isTransient: true);
        }
    }
}
