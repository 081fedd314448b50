using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Borealis.Hosting;

namespace Borealis.Cli.Commands;

/// <summary>
/// The CLI's client of the control API (docs/api.md): found with <c>--api URL</c>, or through <c>DIR/cluster.json</c>
/// (<c>controlPort</c>) of the cluster running on <c>--data</c>.
/// </summary>
internal sealed class ControlClient : IDisposable
{
    readonly HttpClient _http;

    ControlClient(Uri baseAddress) => _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>The API of <paramref name="api"/> when given, else of the cluster running on <paramref name="dataPath"/>.</summary>
    /// <exception cref="ControlClientException">No cluster runs there, or it has no control API.</exception>
    public static ControlClient Connect(string? api, string dataPath)
    {
        if (api is not null)
        {
            return Uri.TryCreate(api, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? new ControlClient(uri)
                : throw new ControlClientException($"--api must be an http URL such as http://127.0.0.1:3308 (got '{api}')");
        }
        var dir = new DataDirectory(dataPath);
        var state = ClusterState.TryRead(dir.StateFile);
        if (state is null || !ProcessControl.IsAlive(state.SupervisorPid))
            throw new ControlClientException($"no cluster is running on '{dir.Root}' (start it with ./borealis up --data {dataPath}, or give --api URL)");
        if (state.ControlPort == 0)
            throw new ControlClientException($"the cluster on '{dir.Root}' has no control API yet (it is starting)");
        return new ControlClient(new Uri($"http://{state.Host}:{state.ControlPort}"));
    }

    /// <summary>Sends a request; the answer's JSON, or the API's <c>{"error"}</c> as an exception.</summary>
    /// <exception cref="ControlClientException">The API refused the request or cannot be reached.</exception>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ControlClientException($"cannot reach the control API at {BaseAddress}: {ex.Message}");
        }
        using (response)
        {
            JsonElement json;
            try
            {
                json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            }
            catch (JsonException)
            {
                throw new ControlClientException($"the control API at {BaseAddress} answered {(int)response.StatusCode} without JSON");
            }
            if (response.IsSuccessStatusCode)
                return json;
            throw new ControlClientException(json.ValueKind == JsonValueKind.Object && json.TryGetProperty("error", out var error)
                ? error.GetString() ?? "unknown error"
                : $"the control API answered {(int)response.StatusCode}");
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A control API request that failed: its message is the CLI's one-line error.</summary>
internal sealed class ControlClientException(string message) : Exception(message);
