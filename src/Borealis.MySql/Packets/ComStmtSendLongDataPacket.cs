using Borealis.MySql.Protocol;

namespace Borealis.MySql.Packets;

/// <summary>
/// COM_STMT_SEND_LONG_DATA: a piece of one parameter's value, appended to what earlier pieces sent; no reply
/// (<see href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_send_long_data.html"/>).
/// </summary>
internal static class ComStmtSendLongDataPacket
{
    public const byte Signature = (byte)CommandKind.StatementSendLongData;

    /// <summary>Reads the statement and parameter ids; <paramref name="data"/> is the piece of the value.</summary>
    public static void Read(ReadOnlySpan<byte> payload, out uint statementId, out int parameterId, out ReadOnlySpan<byte> data)
    {
        var reader = new PacketReader(payload);
        reader.Skip(1);
        statementId = reader.ReadUInt32();
        parameterId = reader.ReadUInt16();
        data = reader.ReadRemaining();
    }
}
