using System.Net;
using Borealis.MySql.Auth;
using MySqlConnector;

namespace Borealis.MySql.Tests.Fakes;

/// <summary>A <see cref="MySqlServer"/> on 127.0.0.1:0 over <see cref="FakeSqlSession"/>s, with users "native" and "sha2" (password "secret").</summary>
public sealed class TestServer : IAsyncDisposable
{
    public const string Password = "secret";

    TestServer(MySqlServer server, FakeServerState state, RecordingLogger logger)
    {
        Server = server;
        State = state;
        Logger = logger;
    }

    public MySqlServer Server { get; }

    public FakeServerState State { get; }

    public RecordingLogger Logger { get; }

    public int Port => Server.Port;

    public static async Task<TestServer> StartAsync(Func<MySqlServerOptions, MySqlServerOptions>? configure = null)
    {
        var users = new UserStore(
            UserAccount.FromPassword("native", Password, AuthPlugins.NativePassword),
            UserAccount.FromPassword("sha2", Password, AuthPlugins.CachingSha2Password),
            UserAccount.FromPassword("empty", "", AuthPlugins.CachingSha2Password));
        var options = new MySqlServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Users = users };
        options = configure?.Invoke(options) ?? options;
        var state = new FakeServerState();
        var logger = new RecordingLogger();
        var server = new MySqlServer(options, info =>
        {
            state.Sessions.Enqueue(info);
            return new FakeSqlSession(info, state);
        }, logger);
        await server.StartAsync(TestContext.Current.CancellationToken);
        return new TestServer(server, state, logger);
    }

    public string ConnectionString(string user = "native", string password = Password, string extra = "") =>
        $"Server=127.0.0.1;Port={Port};User ID={user};Password={password};SslMode=None;Pooling=false;{extra}";

    public async Task<MySqlConnection> OpenAsync(string user = "native", string password = Password, string extra = "")
    {
        var connection = new MySqlConnection(ConnectionString(user, password, extra));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
