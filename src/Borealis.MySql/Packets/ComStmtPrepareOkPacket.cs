using Borealis.MySql.Protocol;

namespace Borealis.MySql.Packets;

/// <summary>
/// COM_STMT_PREPARE_OK, the first packet of the reply to COM_STMT_PREPARE
/// (<see href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_prepare.html#sect_protocol_com_stmt_prepare_response_ok"/>).
/// </summary>
internal readonly record struct ComStmtPrepareOkPacket(uint StatementId, int ColumnCount, int ParameterCount, int Warnings)
{
    public const byte Signature = 0x00;

    public void Write(ref PacketWriter writer)
    {
        writer.WriteByte(Signature);
        writer.WriteUInt32(StatementId);
        writer.WriteUInt16((ushort)ColumnCount);
        writer.WriteUInt16((ushort)ParameterCount);
        writer.WriteByte(0);
        writer.WriteUInt16((ushort)Math.Clamp(Warnings, 0, ushort.MaxValue));
    }
}
