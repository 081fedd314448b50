using Borealis.MySql.Protocol;

namespace Borealis.MySql.Packets;

/// <summary>
/// Protocol::SSLRequest: the first 32 bytes of a HandshakeResponse41 with CLIENT_SSL, sent before the TLS handshake
/// (<see href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_ssl_request.html"/>).
/// </summary>
internal static class SslRequestPacket
{
    /// <summary>True when <paramref name="payload"/> is an SSLRequest rather than a full handshake response.</summary>
    public static bool IsSslRequest(ReadOnlySpan<byte> payload)
    {
        if (payload.Length != HandshakeResponse41Packet.FixedLength)
            return false;
        var reader = new PacketReader(payload);
        return ((CapabilityFlags)reader.ReadUInt32() & CapabilityFlags.Ssl) != 0;
    }
}
