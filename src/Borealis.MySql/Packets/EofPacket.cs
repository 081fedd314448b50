using Borealis.MySql.Protocol;
using Borealis.Sql;

namespace Borealis.MySql.Packets;

/// <summary>EOF_Packet, for clients without CLIENT_DEPRECATE_EOF (<see href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_eof_packet.html"/>).</summary>
internal static class EofPacket
{
    public const byte Signature = 0xfe;

    public static void Write(ref PacketWriter writer, ServerStatus status, int warnings)
    {
        writer.WriteByte(Signature);
        writer.WriteUInt16((ushort)Math.Clamp(warnings, 0, ushort.MaxValue));
        writer.WriteUInt16((ushort)status);
    }
}
