using System.Buffers;
using Borealis.MySql.Packets;
using Borealis.MySql.Protocol;
using Borealis.Sql;
using Borealis.Sql.Results;

namespace Borealis.MySql;

/// <summary>
/// The connection is the <see cref="IResultSink"/> of its session: OK packets and result sets, in the text
/// protocol (COM_QUERY) or the binary one (COM_STMT_EXECUTE). One flush per result set (more only for big ones).
/// </summary>
internal sealed partial class MySqlServerConnection : IResultSink
{
    readonly ArrayBufferWriter<byte> _valueScratch = new(256);
    byte[] _nullBitmap = new byte[16];
    bool _binaryResults;

    public ValueTask WriteOkAsync(OkResult result, bool moreResults, CancellationToken cancellationToken)
    {
        WriteOk(result.AffectedRows, result.LastInsertId, result.Info, moreResults ? ServerStatus.MoreResultsExist : ServerStatus.None);
        return moreResults && Output.UnflushedBytes > PacketOutput.FlushThreshold ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    public async ValueTask WriteResultSetAsync(IReadOnlyList<ColumnDefinition> columns, IRowSource rows, bool moreResults, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        var status = moreResults ? ServerStatus.MoreResultsExist : ServerStatus.None;
        if (columns.Count == 0)
        {
            while (rows.Read())
            {
            }
            WriteOk(extraStatus: status);
            return;
        }
        WriteColumnDefinitions(columns);
        while (rows.Read())
        {
            if (_binaryResults)
                WriteBinaryRow(columns, rows);
            else
                WriteTextRow(columns, rows);
            if (Output.UnflushedBytes > PacketOutput.FlushThreshold)
                await FlushAsync(cancellationToken);
        }
        WriteEndOfRows(Session.Status | status);
        await FlushAsync(cancellationToken);
    }

    void WriteColumnDefinitions(IReadOnlyList<ColumnDefinition> columns)
    {
        var writer = Output.BeginPacket();
        writer.WriteLengthEncodedInteger((ulong)columns.Count);
        Output.EndPacket();
        foreach (var column in columns)
        {
            writer = Output.BeginPacket();
            ColumnDefinition41Packet.Write(ref writer, column);
            Output.EndPacket();
        }
        WriteIntermediateEof();
    }

    /// <summary>Text resultset row: each value a length-encoded string, NULL as 0xFB.</summary>
    void WriteTextRow(IReadOnlyList<ColumnDefinition> columns, IRowSource row)
    {
        var writer = Output.BeginPacket();
        for (var i = 0; i < columns.Count; i++)
        {
            if (row.GetKind(i) == ValueKind.Null)
                writer.WriteByte(0xfb);
            else
                BinaryValues.WriteText(ref writer, columns[i], row, i, _valueScratch);
        }
        Output.EndPacket();
    }

    /// <summary>Binary resultset row: 0x00, the NULL bitmap (offset 2), then the non-NULL values.</summary>
    void WriteBinaryRow(IReadOnlyList<ColumnDefinition> columns, IRowSource row)
    {
        var bitmapLength = (columns.Count + 7 + 2) / 8;
        if (_nullBitmap.Length < bitmapLength)
            _nullBitmap = new byte[bitmapLength];
        var bitmap = _nullBitmap.AsSpan(0, bitmapLength);
        bitmap.Clear();
        for (var i = 0; i < columns.Count; i++)
        {
            if (row.GetKind(i) == ValueKind.Null)
                bitmap[(i + 2) / 8] |= (byte)(1 << ((i + 2) % 8));
        }
        var writer = Output.BeginPacket();
        writer.WriteByte(0);
        writer.WriteBytes(bitmap);
        for (var i = 0; i < columns.Count; i++)
        {
            if (row.GetKind(i) != ValueKind.Null)
                BinaryValues.WriteValue(ref writer, columns[i], row, i, _valueScratch);
        }
        Output.EndPacket();
    }
}
