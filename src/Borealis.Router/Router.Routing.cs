using System.Diagnostics;
using System.Net.Sockets;

namespace Borealis.Router;

/// <summary>Choosing and connecting to the instance behind an endpoint.</summary>
public sealed partial class Router
{
    /// <summary>How soon a connection whose candidates all failed tries again (unless the endpoints change first).</summary>
    static readonly TimeSpan s_retryInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// A connected socket to an instance that has the role <paramref name="endpoint"/> needs, or null when none could
    /// be reached within <see cref="RouterOptions.BackendWait"/>. Cluster: the writer only (multi-master: the writers,
    /// round-robin). Reader: the readers in round-robin order starting after the previous connection's, then the writer(s).
    /// </summary>
    async Task<(Socket Backend, InstanceEndpoint Instance, RouteRole Role)?> ConnectBackendAsync(RouterEndpoint endpoint, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            // Take the wake-up task before reading the endpoints, so that a change in between is not missed.
            var changed = Volatile.Read(ref _changed).Task;
            var snapshot = _endpoints.Current;
            foreach (var (instance, role) in Candidates(snapshot, endpoint))
            {
                var remaining = _options.BackendWait - waited.Elapsed;
                if (remaining <= TimeSpan.Zero)
                    break;
                var socket = await TryConnectAsync(instance, role, remaining < _options.ConnectTimeout ? remaining : _options.ConnectTimeout, cancellationToken);
                if (socket is not null)
                    return (socket, instance, role);
                if (role == RouteRole.Writer)
                    _endpoints.RefreshNow();
            }
            var left = _options.BackendWait - waited.Elapsed;
            if (left <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
                return null;
            try
            {
                await changed.WaitAsync(left < s_retryInterval ? left : s_retryInterval, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    IEnumerable<(InstanceEndpoint Instance, RouteRole Role)> Candidates(EndpointSnapshot? snapshot, RouterEndpoint endpoint)
    {
        if (snapshot is null)
            yield break;
        if (endpoint == RouterEndpoint.Reader && snapshot.Readers.Count > 0)
        {
            int count = snapshot.Readers.Count;
            int start = (int)((uint)Interlocked.Increment(ref _nextReader) % (uint)count);
            for (int i = 0; i < count; i++)
                yield return (snapshot.Readers[(start + i) % count], RouteRole.Reader);
        }
        // The writer; in a multi-master cluster the writers in round-robin order (each new connection starts at the next).
        if (snapshot.Writers.Count > 1)
        {
            int count = snapshot.Writers.Count;
            int start = (int)((uint)Interlocked.Increment(ref _nextWriter) % (uint)count);
            for (int i = 0; i < count; i++)
                yield return (snapshot.Writers[(start + i) % count], RouteRole.Writer);
        }
        else if (snapshot.Writer is { } writer)
        {
            yield return (writer, RouteRole.Writer);
        }
    }

    async Task<Socket?> TryConnectAsync(InstanceEndpoint instance, RouteRole role, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(instance.Host, instance.Port, deadline.Token);
            return socket;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            if (!cancellationToken.IsCancellationRequested)
                Log.BackendUnreachable(_logger, instance.ToString(), role, ex is SocketException s ? s.SocketErrorCode.ToString() : "timed out");
            return null;
        }
    }
}
