using System.Net;
using System.Security.Cryptography.X509Certificates;
using Borealis.MySql.Auth;

namespace Borealis.MySql;

/// <summary>How a <see cref="MySqlServer"/> listens and whom it lets in.</summary>
public sealed record MySqlServerOptions
{
    /// <summary>Where to listen; port 0 picks a free port (see <see cref="MySqlServer.Port"/>).</summary>
    public IPEndPoint EndPoint { get; init; } = new(IPAddress.Loopback, 3306);

    /// <summary>The version in the greeting and @@version: MySQL 8.0-style so that clients pick 8.0 behaviour.</summary>
    public string ServerVersion { get; init; } = "8.0.39-borealis";

    /// <summary>The accounts.</summary>
    public IUserStore Users { get; init; } = new UserStore();

    /// <summary>When set, TLS is offered (CLIENT_SSL) with this certificate; see <see cref="TlsCertificates"/>.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>require_secure_transport: refuse (3159) clients that do not upgrade to TLS.</summary>
    public bool RequireSecureTransport { get; init; }

    /// <summary>max_allowed_packet: a larger client packet gets error 1153 and the connection is closed.</summary>
    public int MaxAllowedPacket { get; init; } = 64 * 1024 * 1024;

    /// <summary>The first connection id; later ones count up from it.</summary>
    public uint ConnectionIdSeed { get; init; } = 1;

    /// <summary>The plugin named in the greeting; accounts with another plugin get an AuthSwitchRequest.</summary>
    public string DefaultAuthPlugin { get; init; } = AuthPlugins.CachingSha2Password;

    /// <summary>
    /// As MySQL does, ask for full caching_sha2_password authentication (clear text over TLS, or RSA) the first
    /// time an account logs in after start, and allow fast authentication only afterwards. Off by default: the
    /// stored SHA256(SHA256(pw)) is enough for fast authentication, and clients without RSA support then connect
    /// over plain TCP too.
    /// </summary>
    public bool CachingSha2FullAuthenticationFirst { get; init; }

    /// <summary>max_connections: one more client gets error 1040 in place of the greeting.</summary>
    public int MaxConnections { get; init; } = 4096;

    /// <summary>net_read_timeout: how long a client may stall in the middle of a packet (error 1159, then close).</summary>
    public TimeSpan NetReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>max_prepared_stmt_count, per connection: one more COM_STMT_PREPARE gets error 1461.</summary>
    public int MaxPreparedStatements { get; init; } = 16382;

    /// <summary>connect_timeout: how long a client may take to complete the handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
