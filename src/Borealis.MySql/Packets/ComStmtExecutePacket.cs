using Borealis.MySql.Protocol;
using Borealis.Sql.Errors;
using Borealis.Sql.Results;

namespace Borealis.MySql.Packets;

/// <summary>
/// COM_STMT_EXECUTE (<see href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_execute.html"/>):
/// statement id, flags, iteration count, then the NULL bitmap, the new-params-bound flag, the parameter types when
/// bound anew, and the values in the binary protocol.
/// </summary>
internal static class ComStmtExecutePacket
{
    public const byte Signature = (byte)CommandKind.StatementExecute;

    /// <summary>Reads the statement id (after the command byte), so that the caller can find the statement.</summary>
    public static uint ReadStatementId(ReadOnlySpan<byte> payload)
    {
        var reader = new PacketReader(payload);
        reader.Skip(1);
        return reader.ReadUInt32();
    }

    /// <summary>
    /// Reads the parameter values. <paramref name="types"/> holds the types bound by an earlier execute and is
    /// replaced when the packet binds new ones; <paramref name="longData"/> are values sent by
    /// COM_STMT_SEND_LONG_DATA, which the packet does not repeat.
    /// </summary>
    public static object?[] ReadParameters(ReadOnlySpan<byte> payload, int parameterCount, ref ParameterType[]? types, IReadOnlyDictionary<int, MemoryStream>? longData)
    {
        var reader = new PacketReader(payload);
        reader.Skip(1 + 4 + 1 + 4);
        var values = new object?[parameterCount];
        if (parameterCount == 0)
            return values;

        var nullBitmap = reader.ReadBytes((parameterCount + 7) / 8);
        var newParamsBound = reader.ReadByte();
        if (newParamsBound == 1)
        {
            var bound = new ParameterType[parameterCount];
            for (var i = 0; i < parameterCount; i++)
            {
                var type = (MySqlColumnType)reader.ReadByte();
                var flags = reader.ReadByte();
                bound[i] = new ParameterType(type, (flags & 0x80) != 0);
            }
            types = bound;
        }
        else if (newParamsBound != 0)
        {
            ProtocolViolationException.ThrowMalformed();
        }
        if (types is null || types.Length != parameterCount)
            throw MySqlErrors.IncorrectArguments("mysqld_stmt_execute");

        for (var i = 0; i < parameterCount; i++)
        {
            if ((nullBitmap[i / 8] & (1 << (i % 8))) != 0)
                continue;
            if (longData is not null && longData.TryGetValue(i, out var data))
            {
                values[i] = BinaryValues.IsTextType(types[i].Type) ? BinaryValues.TextOrBytes(data.GetBuffer().AsSpan(0, (int)data.Length)) : data.ToArray();
                continue;
            }
            values[i] = BinaryValues.ReadParameter(ref reader, types[i]);
        }
        return values;
    }
}
