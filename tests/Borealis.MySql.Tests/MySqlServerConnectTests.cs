using System.Net;
using System.Net.Sockets;
using Borealis.MySql.Auth;
using Borealis.MySql.Tests.Fakes;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.MySql.Tests;

public sealed class MySqlServerConnectTests : BorealisTest, IDisposable
{
    readonly string _certificateDirectory = Directory.CreateTempSubdirectory("borealis-tls-").FullName;

    public void Dispose() => Directory.Delete(_certificateDirectory, recursive: true);

    [Fact]
    public async Task NativePasswordUserConnectsAfterAuthSwitchAndRunsAQuery()
    {
        await using var server = await TestServer.StartAsync();
        await using var connection = await server.OpenAsync("native");
        await using var command = new MySqlCommand("SELECT 1", connection);
        Assert.Equal(1L, await command.ExecuteScalarAsync(TestToken));
        Assert.Equal("8.0.39-borealis", connection.ServerVersion);
        var info = Assert.Single(server.State.Sessions);
        Assert.Equal("native", info.User);
        Assert.Equal((uint)connection.ServerThread, info.ConnectionId);
    }

    [Fact]
    public async Task CachingSha2UserConnectsWithFastAuthentication()
    {
        await using var server = await TestServer.StartAsync();
        await using var connection = await server.OpenAsync("sha2");
        await using var command = new MySqlCommand("SELECT 1", connection);
        Assert.Equal(1L, await command.ExecuteScalarAsync(TestToken));
    }

    [Fact]
    public async Task CachingSha2UserConnectsWhenTheGreetingNamesNativePassword()
    {
        await using var server = await TestServer.StartAsync(o => o with { DefaultAuthPlugin = AuthPlugins.NativePassword });
        await using var sha2 = await server.OpenAsync("sha2");
        await using var native = await server.OpenAsync("native");
        Assert.Equal(2, server.State.Sessions.Count);
    }

    [Fact]
    public async Task CachingSha2FullAuthenticationOverPlainTcpUsesTheRsaPublicKey()
    {
        await using var server = await TestServer.StartAsync(o => o with { CachingSha2FullAuthenticationFirst = true });

        // MySqlConnector retrieves the key on loopback even without AllowPublicKeyRetrieval; the option is set for clarity.

        await using (var first = await server.OpenAsync("sha2", extra: "AllowPublicKeyRetrieval=true"))
        await using (var command = new MySqlCommand("SELECT 1", first))
            Assert.Equal(1L, await command.ExecuteScalarAsync(TestToken));

        // Now cached: fast authentication, no RSA needed.
        await using var second = await server.OpenAsync("sha2");
        var wrong = await Assert.ThrowsAsync<MySqlException>(() => server.OpenAsync("sha2", "wrong", "AllowPublicKeyRetrieval=true"));
        Assert.Equal(MySqlErrorCode.AccessDenied, wrong.ErrorCode);
    }

    [Fact]
    public async Task CachingSha2FullAuthenticationOverTlsSendsThePasswordInClear()
    {
        var certificate = TlsCertificates.LoadOrCreate(_certificateDirectory);
        await using var server = await TestServer.StartAsync(o => o with { Certificate = certificate, CachingSha2FullAuthenticationFirst = true, RequireSecureTransport = true });
        await using var connection = new MySqlConnection(server.ConnectionString("sha2").Replace("SslMode=None", "SslMode=Required", StringComparison.Ordinal));
        await connection.OpenAsync(TestToken);
        await using var command = new MySqlCommand("SELECT 1", connection);
        Assert.Equal(1L, await command.ExecuteScalarAsync(TestToken));
    }

    [Fact]
    public async Task RequireSecureTransportRefusesPlainConnections()
    {
        var certificate = TlsCertificates.LoadOrCreate(_certificateDirectory);
        await using var server = await TestServer.StartAsync(o => o with { Certificate = certificate, RequireSecureTransport = true });
        var ex = await Assert.ThrowsAsync<MySqlException>(() => server.OpenAsync("native"));
        Assert.Equal(3159, ex.Number);
        await using var secure = new MySqlConnection(server.ConnectionString("native").Replace("SslMode=None", "SslMode=Required", StringComparison.Ordinal));
        await secure.OpenAsync(TestToken);
    }

    [Fact]
    public async Task TlsCertificateIsCreatedOnceAndReused()
    {
        using var first = TlsCertificates.LoadOrCreate(_certificateDirectory);
        using var second = TlsCertificates.LoadOrCreate(_certificateDirectory);
        Assert.Equal(first.Thumbprint, second.Thumbprint);
        Assert.True(first.HasPrivateKey);
        Assert.Equal("CN=Borealis", first.Subject);
        if (!OperatingSystem.IsWindows())
        {
            var keyMode = File.GetUnixFileMode(Path.Combine(_certificateDirectory, TlsCertificates.KeyFileName));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, keyMode);
        }
    }

    [Theory]
    [InlineData("native")]
    [InlineData("sha2")]
    public async Task WrongPasswordIsAccessDenied(string user)
    {
        await using var server = await TestServer.StartAsync();
        var ex = await Assert.ThrowsAsync<MySqlException>(() => server.OpenAsync(user, "wrong"));
        Assert.Equal(MySqlErrorCode.AccessDenied, ex.ErrorCode);
        Assert.Equal($"Access denied for user '{user}'@'127.0.0.1' (using password: YES)", ex.Message);
        Assert.Equal("28000", ex.SqlState);
        Assert.Empty(server.State.Sessions);
        await Eventually.AssertAsync(() => server.Server.ConnectionsOpen == 0);
    }

    [Fact]
    public async Task UnknownUserIsAccessDenied()
    {
        await using var server = await TestServer.StartAsync();
        var ex = await Assert.ThrowsAsync<MySqlException>(() => server.OpenAsync("nobody"));
        Assert.Equal(MySqlErrorCode.AccessDenied, ex.ErrorCode);
    }

    [Fact]
    public async Task EmptyPasswordAccountConnectsWithoutPassword()
    {
        await using var server = await TestServer.StartAsync();
        await using var connection = await server.OpenAsync("empty", "");
        var ex = await Assert.ThrowsAsync<MySqlException>(() => server.OpenAsync("empty", "x"));
        Assert.Equal(MySqlErrorCode.AccessDenied, ex.ErrorCode);
        var noPassword = await Assert.ThrowsAsync<MySqlException>(() => server.OpenAsync("native", ""));
        Assert.Equal("Access denied for user 'native'@'127.0.0.1' (using password: NO)", noPassword.Message);
    }

    [Fact]
    public async Task DatabaseInTheHandshakeIsUsedAndAnUnknownOneIsError1049()
    {
        await using var server = await TestServer.StartAsync();
        await using (var connection = await server.OpenAsync(extra: "Database=demo"))
            Assert.Equal("demo", connection.Database);
        var ex = await Assert.ThrowsAsync<MySqlException>(() => server.OpenAsync(extra: "Database=nosuch"));
        Assert.Equal(MySqlErrorCode.UnknownDatabase, ex.ErrorCode);
        Assert.Equal("Unknown database 'nosuch'", ex.Message);
        await Eventually.AssertAsync(() => server.State.Disposed == 2, because: "both sessions are disposed");
    }

    [Fact]
    public async Task StartOnABusyPortFailsWithAClearMessage()
    {
        await using var first = await TestServer.StartAsync();
        var busy = new MySqlServer(new MySqlServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, first.Port) }, _ => throw new InvalidOperationException());
        await using (busy)
        {
            var ex = await Assert.ThrowsAsync<IOException>(() => busy.StartAsync(TestToken));
            Assert.Contains("already in use", ex.Message, StringComparison.Ordinal);
            Assert.IsType<SocketException>(ex.InnerException);
        }
    }

    [Fact]
    public async Task StopClosesOpenConnectionsAndDisposesTheirSessions()
    {
        var server = await TestServer.StartAsync();
        await using var connection = await server.OpenAsync();
        Assert.Equal(1, server.Server.ConnectionsOpen);
        await server.DisposeAsync();
        Assert.Equal(0, server.Server.ConnectionsOpen);
        Assert.Equal(1, server.State.Disposed);
        await using var command = new MySqlCommand("SELECT 1", connection);
        await Assert.ThrowsAnyAsync<Exception>(() => command.ExecuteScalarAsync(TestToken));
    }
}
