using Borealis.Engine;
using Borealis.MySql;
using Borealis.Sql;
using Borealis.Volume;
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

        LocalVolume volume;
        try
        {
            // The volume's in-memory redo is sized from the instance's cache setting, so that one knob bounds memory.
            var volumeOptions = new LocalVolumeOptions
            {
                MaxMemoryRedoBytes = Math.Clamp(options.CacheBytes / 4, 4L << 20, 64L << 20),
            };
            volume = await LocalVolume.OpenAsync(options.VolumeDirectory, volumeOptions, cancellationToken);
        }
        catch (VolumeException ex)
        {
            throw new HostingException($"cannot open the volume at '{options.VolumeDirectory}': {ex.Message}", ex);
        }

        Database? database = null;
        try
        {
            database = Database.Open(volume, new DatabaseOptions { CacheBytes = options.CacheBytes });
            var sql = new SqlServer(database, new SqlServerOptions
            {
                ServerId = options.Id,
                Port = options.EndPoint.Port,
            });
            var users = new UserStore(UserAccount.FromPassword("admin", options.AdminPassword));
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
            Log.InstanceServing(logger, options.Id, $"127.0.0.1:{server.Port}", options.VolumeDirectory, volume.DurableLsn.ToString());
            return new InstanceHost(options.Id, volume, database, server, logger);
        }
        catch
        {
            if (database is not null)
                await database.DisposeAsync();
            await volume.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops accepting connections, closes sessions, and closes the volume cleanly.</summary>
    public async ValueTask DisposeAsync()
    {
        Log.InstanceStopping(_logger, _id);
        await _server.DisposeAsync();
        await _database.DisposeAsync();
        await _volume.DisposeAsync();
    }
}
