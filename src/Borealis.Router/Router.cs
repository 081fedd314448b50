using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Borealis.Common.Net;
using Microsoft.Extensions.Logging;

namespace Borealis.Router;

/// <summary>
/// The cluster and reader endpoints (<c>borealis router</c>): a connection-level TCP proxy. Each accepted client is
/// connected at once to one instance chosen from <see cref="IEndpointSource.Current"/> and then spliced to it; the
/// router never parses MySQL. The cluster endpoint goes to the writer only (a new connection waits up to
/// <see cref="RouterOptions.BackendWait"/> for one during a failover); the reader endpoint goes round-robin over the
/// readers, or to the writer when there are none. When the endpoints change so that an instance no longer has the
/// role a connection was routed for, that connection is closed on both sides at once: a client is never served by
/// the wrong role.
/// </summary>
public sealed partial class Router : IAsyncDisposable
{
    readonly RouterOptions _options;
    readonly IEndpointSource _endpoints;
    readonly ILogger _logger;
    readonly CancellationTokenSource _stop = new();
    readonly Lock _gate = new();
    readonly HashSet<ProxiedConnection> _connections = [];
    readonly Dictionary<string, int> _perBackend = [];
    readonly ConcurrentDictionary<long, Task> _handlers = new();
    TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    Socket? _clusterListener;
    Socket? _readerListener;
    Task _clusterLoop = Task.CompletedTask;
    Task _readerLoop = Task.CompletedTask;
    long _nextHandler;
    int _nextReader = -1;
    int _nextWriter = -1;
    int _open;
    int _clusterActive;
    int _readerActive;
    long _totalRouted;
    long _totalRefused;
    long _totalClosedForRoleChange;
    bool _atLimit;

    public Router(RouterOptions options, IEndpointSource endpoints, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(logger);
        if (options.MaxConnections < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "MaxConnections must be at least 1.");
        _options = options;
        _endpoints = endpoints;
        _logger = logger;
    }

    /// <summary>The cluster endpoint's port (the bound one when <see cref="RouterOptions.ClusterEndPoint"/> said 0).</summary>
    public int ClusterPort { get; private set; }

    /// <summary>The reader endpoint's port.</summary>
    public int ReaderPort { get; private set; }

    /// <summary>Binds both endpoints and starts accepting.</summary>
    /// <exception cref="IOException">An endpoint cannot be bound (e.g. its port is in use); nothing stays bound.</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
        if (_clusterListener is not null)
            throw new InvalidOperationException("The router is already started.");
        var cluster = AcceptLoop.Listen(_options.ClusterEndPoint);
        Socket reader;
        try
        {
            reader = AcceptLoop.Listen(_options.ReaderEndPoint);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
        _clusterListener = cluster;
        _readerListener = reader;
        ClusterPort = ((IPEndPoint)cluster.LocalEndPoint!).Port;
        ReaderPort = ((IPEndPoint)reader.LocalEndPoint!).Port;
        _endpoints.Changed += OnEndpointsChanged;
        _clusterLoop = AcceptAsync(cluster, RouterEndpoint.Cluster);
        _readerLoop = AcceptAsync(reader, RouterEndpoint.Reader);
        Log.Listening(_logger, RouterEndpoint.Cluster, cluster.LocalEndPoint!.ToString()!);
        Log.Listening(_logger, RouterEndpoint.Reader, reader.LocalEndPoint!.ToString()!);
    }

    Task AcceptAsync(Socket listener, RouterEndpoint endpoint) => AcceptLoop.RunAsync(listener,
        socket =>
        {
            long id = Interlocked.Increment(ref _nextHandler);
            var handler = HandleAsync(socket, endpoint);
            _handlers[id] = handler;
            _ = handler.ContinueWith(_ => _handlers.TryRemove(id, out Task? _), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        },
        ex => Log.AcceptFault(_logger, endpoint, ex),
        _stop.Token);

    async Task HandleAsync(Socket client, RouterEndpoint endpoint)
    {
        if (Interlocked.Increment(ref _open) > _options.MaxConnections)
        {
            Interlocked.Decrement(ref _open);
            Interlocked.Increment(ref _totalRefused);
            lock (_gate)
            {
                if (!_atLimit)
                {
                    _atLimit = true;
                    Log.ConnectionLimit(_logger, _options.MaxConnections);
                }
            }
            client.Dispose();
            return;
        }
        string remote = client.RemoteEndPoint?.ToString() ?? "?";
        try
        {
            var route = await ConnectBackendAsync(endpoint, _stop.Token);
            if (route is not var (backend, instance, role))
            {
                if (!_stop.IsCancellationRequested)
                    Log.NoBackend(_logger, endpoint, remote, _options.BackendWait.TotalSeconds);
                client.Dispose();
                return;
            }
            var connection = new ProxiedConnection(client, backend, endpoint, instance, role);
            Register(connection);
            try
            {
                Log.Routed(_logger, endpoint, remote, instance.ToString(), role);
                // The endpoints may have changed between the choice and the registration; the change handler only
                // sees registered connections, so look once more.
                if (_endpoints.Current is not { } now || !now.Holds(instance, role) || _stop.IsCancellationRequested)
                    connection.Close();
                await connection.RunAsync(_options.BufferSize);
            }
            finally
            {
                Unregister(connection);
                Log.ConnectionClosed(_logger, endpoint, instance.ToString());
            }
        }
#pragma warning disable CA1031 // A connection is a boundary: its failure is logged and ends only that connection.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ConnectionFault(_logger, endpoint, ex);
            client.Dispose();
        }
        finally
        {
            Interlocked.Decrement(ref _open);
            lock (_gate)
                _atLimit = false;
        }
    }

    void Register(ProxiedConnection connection)
    {
        lock (_gate)
        {
            _connections.Add(connection);
            _perBackend[connection.Instance.Id] = _perBackend.GetValueOrDefault(connection.Instance.Id) + 1;
            if (connection.Endpoint == RouterEndpoint.Cluster)
                _clusterActive++;
            else
                _readerActive++;
            _totalRouted++;
        }
    }

    void Unregister(ProxiedConnection connection)
    {
        lock (_gate)
        {
            if (!_connections.Remove(connection))
                return;
            int left = _perBackend[connection.Instance.Id] - 1;
            if (left == 0)
                _perBackend.Remove(connection.Instance.Id);
            else
                _perBackend[connection.Instance.Id] = left;
            if (connection.Endpoint == RouterEndpoint.Cluster)
                _clusterActive--;
            else
                _readerActive--;
        }
    }

    /// <summary>Closes every connection whose instance lost the role it was routed for, then wakes held connections.</summary>
    void OnEndpointsChanged(EndpointSnapshot snapshot)
    {
        List<ProxiedConnection> stale;
        lock (_gate)
            stale = _connections.Where(c => !snapshot.Holds(c.Instance, c.Role)).ToList();
        foreach (var group in stale.GroupBy(c => (c.Instance, c.Role)))
        {
            int count = 0;
            foreach (var connection in group)
            {
                connection.Close();
                count++;
            }
            Interlocked.Add(ref _totalClosedForRoleChange, count);
            Log.ClosedForRoleChange(_logger, count, group.Key.Instance.ToString(), group.Key.Role);
        }
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
            return;
        await _stop.CancelAsync();
        _endpoints.Changed -= OnEndpointsChanged;
        _clusterListener?.Dispose();
        _readerListener?.Dispose();
#pragma warning disable VSTHRD003 // The router's own accept loops and connection handlers, awaited on stop.
        await Task.WhenAll(_clusterLoop, _readerLoop);
#pragma warning restore VSTHRD003
        lock (_gate)
        {
            foreach (var connection in _connections)
                connection.Close();
        }
#pragma warning disable VSTHRD003 // The router's own connection handlers, awaited on stop.
        await Task.WhenAll(_handlers.Values);
#pragma warning restore VSTHRD003
        if (_clusterListener is not null)
            Log.Stopped(_logger, TotalRouted);
        _stop.Dispose();
    }
}
