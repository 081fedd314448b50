using Borealis.MySql.Protocol;
using Borealis.Sql.Results;

namespace Borealis.MySql.Packets;

/// <summary>
/// Protocol::ColumnDefinition41
/// (<see href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_column_definition.html"/>).
/// </summary>
internal static class ColumnDefinition41Packet
{
    static readonly byte[] s_catalog = "def"u8.ToArray();

    /// <param name="forFieldList">COM_FIELD_LIST replies carry a trailing default-value field (sent as NULL).</param>
    public static void Write(ref PacketWriter writer, ColumnDefinition column, bool forFieldList = false)
    {
        writer.WriteLengthEncodedBytes(s_catalog);
        writer.WriteLengthEncodedString(column.Schema);
        writer.WriteLengthEncodedString(column.Table);
        writer.WriteLengthEncodedString(column.OriginalTable);
        writer.WriteLengthEncodedString(column.Name);
        writer.WriteLengthEncodedString(column.OriginalName);
        writer.WriteByte(0x0c);
        writer.WriteUInt16(column.CharacterSet);
        writer.WriteUInt32(column.Length);
        writer.WriteByte((byte)column.Type);
        writer.WriteUInt16((ushort)column.Flags);
        writer.WriteByte(column.Decimals);
        writer.WriteZeros(2);
        if (forFieldList)
            writer.WriteByte(0xfb);
    }
}
