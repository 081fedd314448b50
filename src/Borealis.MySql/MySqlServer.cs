using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Borealis.Common.Net;
using Borealis.Sql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Borealis.MySql;

/// <summary>
/// The MySQL endpoint: accepts TCP connections, runs the handshake and authentication, then hands each
/// connection's commands to its own <see cref="ISqlSession"/>, one command at a time.
/// </summary>
public sealed class MySqlServer : IAsyncDisposable
{
    readonly Func<SessionInfo, ISqlSession> _sessionFactory;
    readonly ILogger _logger;
    readonly ConcurrentDictionary<uint, MySqlServerConnection> _connections = new();
    readonly ConcurrentDictionary<string, byte> _sha2Cache = new(StringComparer.Ordinal);
    readonly CancellationTokenSource _stopping = new();
    readonly Stopwatch _uptime = new();
    Socket? _listener;
    Task? _acceptLoop;
    long _nextConnectionId;
    long _connectionsTotal;
    long _commandsTotal;
    int _stopped;

    public MySqlServer(MySqlServerOptions options, Func<SessionInfo, ISqlSession> sessionFactory, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sessionFactory);
        if (options.MaxAllowedPacket < 1024)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxAllowedPacket must be at least 1024.");
        Options = options;
        _sessionFactory = sessionFactory;
        _logger = logger ?? NullLogger.Instance;
        _nextConnectionId = (long)options.ConnectionIdSeed - 1;
        RsaKey = RSA.Create(2048);
        RsaPublicKeyPem = Encoding.ASCII.GetBytes(RsaKey.ExportSubjectPublicKeyInfoPem() + "\n");
    }

    public MySqlServerOptions Options { get; }

    /// <summary>The port actually bound (useful with port 0); 0 before <see cref="StartAsync"/>.</summary>
    public int Port { get; private set; }

    /// <summary>Connections open now (handshake included).</summary>
    public int ConnectionsOpen => _connections.Count;

    /// <summary>Connections accepted since start.</summary>
    public long ConnectionsTotal => Interlocked.Read(ref _connectionsTotal);

    /// <summary>Commands received since start (COM_QUERY, COM_STMT_EXECUTE, COM_PING, ...).</summary>
    public long CommandsTotal => Interlocked.Read(ref _commandsTotal);

    /// <summary>Time since <see cref="StartAsync"/>.</summary>
    public TimeSpan Uptime => _uptime.Elapsed;

    internal RSA RsaKey { get; }

    /// <summary>The caching_sha2_password RSA public key, as sent to clients that ask for it.</summary>
    internal byte[] RsaPublicKeyPem { get; }

    internal ILogger Logger => _logger;

    /// <summary>Binds <see cref="MySqlServerOptions.EndPoint"/> and starts accepting.</summary>
    /// <exception cref="IOException">The address cannot be bound (e.g. the port is in use).</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_listener is not null)
            throw new InvalidOperationException("The server is already started.");
        var listener = AcceptLoop.Listen(Options.EndPoint);
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _uptime.Start();
        Log.Listening(_logger, listener.LocalEndPoint!.ToString()!);
        _acceptLoop = AcceptLoop.RunAsync(listener, OnAccepted, ex => Log.AcceptFault(_logger, ex), _stopping.Token);
        return Task.CompletedTask;
    }

    void OnAccepted(Socket socket)
    {
        var id = unchecked((uint)Interlocked.Increment(ref _nextConnectionId));
        Interlocked.Increment(ref _connectionsTotal);
        var connection = new MySqlServerConnection(this, socket, id, tooMany: _connections.Count >= Options.MaxConnections);
        _connections[id] = connection;
        connection.Start(_stopping.Token);
    }

    internal ISqlSession CreateSession(SessionInfo info) => _sessionFactory(info);

    internal void CountCommand() => Interlocked.Increment(ref _commandsTotal);

    internal void Remove(MySqlServerConnection connection) => _connections.TryRemove(connection.Id, out _);

    internal bool IsSha2Cached(string user, byte[] hash) => _sha2Cache.ContainsKey(Sha2CacheKey(user, hash));

    internal void AddSha2Cache(string user, byte[] hash) => _sha2Cache[Sha2CacheKey(user, hash)] = 0;

    static string Sha2CacheKey(string user, byte[] hash) => user + "\0" + Convert.ToHexString(hash);

    /// <summary>The open connections (for SHOW PROCESSLIST), ordered by id.</summary>
    public IReadOnlyList<ProcessInfo> GetProcessList() =>
        _connections.Values.Select(c => c.Describe()).OrderBy(p => p.Id).ToList();

    /// <summary>Closes connection <paramref name="id"/> (KILL / COM_PROCESS_KILL); false when there is none.</summary>
    public bool Kill(uint id)
    {
        if (!_connections.TryGetValue(id, out var connection))
            return false;
        connection.Abort();
        return true;
    }

    /// <summary>Stops accepting, closes every connection and waits for them to end.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
            return;
        await _stopping.CancelAsync();
        _listener?.Dispose();
        if (_acceptLoop is not null)
            await _acceptLoop.WaitAsync(cancellationToken);
        var running = new List<Task>();
        foreach (var connection in _connections.Values)
        {
            connection.Abort();
            running.Add(connection.Completion);
        }
        await Task.WhenAll(running).WaitAsync(cancellationToken);
        if (_listener is not null)
            Log.Stopped(_logger, Options.EndPoint.Address + ":" + Port);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        RsaKey.Dispose();
        _stopping.Dispose();
    }
}
