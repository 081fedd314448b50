using System.Net.Http.Json;
using System.Text.Json;
using Borealis.Control;

namespace Borealis.Hosting;

/// <summary>Reads an instance's status endpoint (<c>GET /v1/status</c>, <see cref="InstanceStatusServer"/>) for the probes.</summary>
public static class InstanceStatusClient
{
    /// <summary>How long a probe waits for the status: the probes run every 200 ms.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    // One client for every probe: it keeps a connection to each instance's status endpoint.
    static readonly HttpClient s_http = new(new SocketsHttpHandler
    {
        ConnectTimeout = Timeout,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(10),
        UseProxy = false,
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    /// <summary>The instance's status; null when it does not answer within <see cref="Timeout"/> or answers nonsense.</summary>
    public static async Task<InstanceStatus?> TryGetAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            return await s_http.GetFromJsonAsync<InstanceStatus>(new Uri($"http://{host}:{port}/v1/status"), ControlApi.Json, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or NotSupportedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }
}
