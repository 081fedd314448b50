using Borealis.Engine;
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
    readonly ILogger _logger;
    readonly string _id;
    readonly CancellationTokenSource _stopping = new();
    Task _topologyWatch = Task.CompletedTask;

    InstanceHost(string id, IVolume volume, Database database, MySqlServer server, ILogger logger)
    {
        _id = id;
        _volume = volume;
        _database = database;
        _server = server;
        _logger = logger;
    }

    /// <summary>The port the MySQL endpoint listens on.</summary>
    public int Port => _server.Port;

    public Database Database => _database;

    /// <summary>Opens the volume (recovering it), the engine, and starts the MySQL endpoint.</summary>
    /// <exception cref="HostingException">The port is busy or the volume cannot be opened.</exception>
    public static async Task<InstanceHost> StartAsync(InstanceOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger("Borealis.Instance");

        var topology = options.StorageTopologyFile is { } topologyFile
            ? StorageTopology.TryRead(topologyFile) ?? throw new HostingException($"the storage topology '{topologyFile}' does not exist")
            : null;
        IVolume volume = topology is not null
            ? await OpenQuorumVolumeAsync(options, topology, loggerFactory, cancellationToken)
            : await OpenLocalVolumeAsync(options, cancellationToken);
        string volumeName = options.StorageTopologyFile is null ? options.VolumeDirectory! : $"quorum ({options.StorageTopologyFile})";

        Database? database = null;
        try
        {
            database = Database.Open(volume, new DatabaseOptions { CacheBytes = options.CacheBytes });
            var admin = UserAccount.FromPassword("admin", options.AdminPassword);
            var sql = new SqlServer(database, new SqlServerOptions
            {
                ServerId = options.Id,
                Port = options.EndPoint.Port,
                Accounts = [new AccountInfo(admin.Name, admin.DefaultPlugin)],
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
                await server.StartAsync(cancellationToken);
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                await server.DisposeAsync();
                throw new HostingException($"cannot listen on {options.EndPoint}: {ex.Message}", ex);
            }
            Log.InstanceServing(logger, options.Id, $"127.0.0.1:{server.Port}", volumeName, volume.DurableLsn.ToString());
            var host = new InstanceHost(options.Id, volume, database, server, logger);
            if (volume is QuorumVolume quorum && options.StorageTopologyFile is { } file && topology is not null)
                host._topologyWatch = host.FollowTopologyAsync(quorum, file, topology);
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

    static async Task<IVolume> OpenQuorumVolumeAsync(
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
        StorageTopology.FollowAsync(file, opened, TimeSpan.FromMilliseconds(500), topology =>
        {
            var fleet = topology.ToNodeInfos();
            volume.UpdateFleet(fleet);
            Log.FleetChanged(_logger, fleet.Count, string.Join(",", topology.Nodes.Where(n => n.Retired).Select(n => n.Id)));
        }, message => Log.TopologyUnreadable(_logger, message), _stopping.Token);

    /// <summary>Stops accepting connections, closes sessions, and closes the volume cleanly.</summary>
    public async ValueTask DisposeAsync()
    {
        Log.InstanceStopping(_logger, _id);
        await _stopping.CancelAsync();
#pragma warning disable VSTHRD003 // started by this object in StartAsync
        await _topologyWatch;
#pragma warning restore VSTHRD003
        _stopping.Dispose();
        await _server.DisposeAsync();
        await _database.DisposeAsync();
        await _volume.DisposeAsync();
    }
}
