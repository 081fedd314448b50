using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// A whole local cluster started with the built executable (<c>borealis up --detach</c>: 6 storage nodes, control
/// plane, router, a writer and readers) on free ports under a temporary directory, stopped by
/// <see cref="DisposeAsync"/> (<c>borealis down</c>). <see cref="Port"/> is the cluster endpoint, <see cref="ReaderPort"/>
/// the reader endpoint, <see cref="ControlPort"/> the control API.
/// </summary>
internal sealed class ClusterProcess : IAsyncDisposable
{
    public const string Password = "cluster-pw";

    readonly TempDirectory _dir;

    ClusterProcess(TempDirectory dir, int port, int controlPort)
    {
        _dir = dir;
        Port = port;
        ControlPort = controlPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{P(controlPort)}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Data => _dir.Combine("data");

    public int Port { get; }

    public int ReaderPort => Port + 1;

    public int ControlPort { get; }

    /// <summary>A client of the control API.</summary>
    public HttpClient Http { get; }

    static string P(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts a cluster with <paramref name="readers"/> readers and waits until the control plane reports every instance healthy.</summary>
    public static async Task<ClusterProcess> UpAsync(int readers, int writers = 1)
    {
        var dir = new TempDirectory();
        int port = FreePort.ForCluster();
        int controlPort = FreePort.Next();
        var cluster = new ClusterProcess(dir, port, controlPort);
        try
        {
            var up = await CliAsync("up", "--data", cluster.Data, "--port", P(port), "--control-port", P(controlPort),
                "--password", Password, "--readers", P(readers), "--writers", P(writers), "--detach");
            Assert.True(up.ExitCode == 0, up.ToString());
            await Eventually.AssertAsync(async () =>
            {
                var endpoints = await cluster.EndpointsAsync();
                return endpoints.GetProperty("writer").ValueKind == JsonValueKind.Object && endpoints.GetProperty("readers").GetArrayLength() == readers
                    && endpoints.GetProperty("writers").GetArrayLength() == writers;
            }, TimeSpan.FromSeconds(60), $"{writers} writer(s) and {readers} readers are healthy");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public static Task<ExternalProcess.Result> CliAsync(params string[] args) =>
        ExternalProcess.RunAsync(BorealisExecutable.Path, args, environment: new Dictionary<string, string> { ["BOREALIS_PASSWORD"] = "" });

    /// <summary><c>GET /v1/endpoints</c>.</summary>
    public async Task<JsonElement> EndpointsAsync() =>
        await Http.GetFromJsonAsync<JsonElement>("/v1/endpoints", TestContext.Current.CancellationToken);

    /// <summary><c>GET /v1/cluster</c>.</summary>
    public async Task<JsonElement> ClusterAsync() =>
        await Http.GetFromJsonAsync<JsonElement>("/v1/cluster", TestContext.Current.CancellationToken);

    /// <summary><c>GET /metrics</c> (Prometheus text).</summary>
    public async Task<string> MetricsAsync() =>
        await Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);

    /// <summary>The instance <paramref name="id"/> as <c>GET /v1/cluster</c> shows it.</summary>
    public async Task<JsonElement> InstanceAsync(string id) =>
        (await ClusterAsync()).GetProperty("instances").EnumerateArray().Single(i => i.GetProperty("id").GetString() == id);

    public static string ConnectionString(int port, string? database = null, int commandTimeout = 30) =>
        TestConnection.String(port, Password, database, commandTimeout);

    /// <summary>Opens a connection to <paramref name="port"/> (an endpoint of the router or an instance's own).</summary>
    public static async Task<MySqlConnection> OpenAsync(int port, string? database = null)
    {
        var connection = new MySqlConnection(ConnectionString(port, database));
        try
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The one value <paramref name="sql"/> returns.</summary>
    public static async Task<T> ScalarAsync<T>(MySqlConnection connection, string sql)
    {
        await using var command = new MySqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        return (T)Convert.ChangeType(value!, typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>(@@aurora_server_id, @@read_only) of the instance behind <paramref name="connection"/>.</summary>
    public static async Task<(string ServerId, bool ReadOnly)> IdentityAsync(MySqlConnection connection)
    {
        await using var command = new MySqlCommand("SELECT @@aurora_server_id, @@read_only", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
        return (reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture) == 1);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CliAsync("down", "--data", Data);
        }
        finally
        {
            Http.Dispose();
            _dir.Dispose();
        }
    }
}
