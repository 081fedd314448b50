using Borealis.MySql.Protocol;
using Borealis.Sql;

namespace Borealis.MySql.Packets;

/// <summary>
/// OK_Packet (<see href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_ok_packet.html"/>).
/// With CLIENT_DEPRECATE_EOF an OK with header 0xFE ends a result set in place of the EOF packet.
/// </summary>
internal static class OkPacket
{
    public const byte Signature = 0x00;

    /// <summary>The header of an OK that ends a result set (CLIENT_DEPRECATE_EOF).</summary>
    public const byte EofSignature = 0xfe;

    public static void Write(ref PacketWriter writer, ulong affectedRows, ulong lastInsertId, ServerStatus status, int warnings, string? info, bool endOfResultSet = false)
    {
        writer.WriteByte(endOfResultSet ? EofSignature : Signature);
        writer.WriteLengthEncodedInteger(affectedRows);
        writer.WriteLengthEncodedInteger(lastInsertId);
        writer.WriteUInt16((ushort)status);
        writer.WriteUInt16((ushort)Math.Clamp(warnings, 0, ushort.MaxValue));
        // The spec page shows string<EOF> without CLIENT_SESSION_TRACK, but MySQL and MariaDB servers store the info
        // length-encoded (net_store_data), and libmysqlclient/libmariadb read it so: a bare string is "malformed" to them.
        if (!string.IsNullOrEmpty(info))
            writer.WriteLengthEncodedString(info);
    }
}
