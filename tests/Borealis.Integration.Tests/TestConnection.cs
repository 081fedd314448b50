using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>How the tests connect to a Borealis endpoint on 127.0.0.1: user admin, no TLS, no pooling unless asked.</summary>
internal static class TestConnection
{
    public static string String(int port, string password, string? database = null, int commandTimeout = 30, bool pooling = false) =>
        new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = checked((uint)port),
            UserID = "admin",
            Password = password,
            Database = database ?? "",
            Pooling = pooling,
            SslMode = MySqlSslMode.None,
            AllowPublicKeyRetrieval = true,
            ConnectionTimeout = 10,
            DefaultCommandTimeout = checked((uint)commandTimeout),
        }.ConnectionString;
}
