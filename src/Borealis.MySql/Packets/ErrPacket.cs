using Borealis.MySql.Protocol;
using Borealis.Sql.Errors;

namespace Borealis.MySql.Packets;

/// <summary>ERR_Packet (<see href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_err_packet.html"/>).</summary>
internal static class ErrPacket
{
    public const byte Signature = 0xff;

    public static void Write(ref PacketWriter writer, MySqlErrorCode code, string sqlState, string message)
    {
        writer.WriteByte(Signature);
        writer.WriteUInt16((ushort)code);
        writer.WriteByte((byte)'#');
        var state = sqlState.Length == 5 ? sqlState : "HY000";
        writer.WriteString(state);
        writer.WriteString(message);
    }

    public static void Write(ref PacketWriter writer, MySqlErrorException error) =>
        Write(ref writer, error.Code, error.SqlState, error.Message);
}
