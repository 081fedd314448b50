using Borealis.MySql.Protocol;

namespace Borealis.MySql.Packets;

/// <summary>
/// Protocol::AuthMoreData: plugin-specific data during authentication, e.g. caching_sha2_password's fast-auth
/// result or its RSA public key
/// (<see href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_more_data.html"/>).
/// </summary>
internal static class AuthMoreDataPacket
{
    public const byte Signature = 0x01;

    public static void Write(ref PacketWriter writer, ReadOnlySpan<byte> data)
    {
        writer.WriteByte(Signature);
        writer.WriteBytes(data);
    }
}
