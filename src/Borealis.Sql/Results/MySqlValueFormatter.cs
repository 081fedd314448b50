using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Borealis.Sql.Results;

/// <summary>
/// Presents stored values as MySQL presents them in the text protocol (e.g. DECIMAL(10,2) 1.5 as "1.50",
/// DOUBLE as the shortest round-trip form, DATETIME as "YYYY-MM-DD hh:mm:ss[.ffffff]").
/// </summary>
public static class MySqlValueFormatter
{
    /// <summary>Writes the text form of a non-NULL value (no length prefix).</summary>
    public static void FormatText(ColumnDefinition column, IRowSource row, int ordinal, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(output);
        switch (row.GetKind(ordinal))
        {
            case ValueKind.Integer:
            {
                var span = output.GetSpan(20);
                Utf8Formatter.TryFormat(row.GetInt64(ordinal), span, out int written);
                output.Advance(written);
                break;
            }
            case ValueKind.Real:
            {
                var text = row.GetDouble(ordinal).ToString("R", CultureInfo.InvariantCulture);
                output.Write(Encoding.ASCII.GetBytes(text));
                break;
            }
            case ValueKind.Text:
            case ValueKind.Blob:
                output.Write(row.GetBytes(ordinal));
                break;
            default:
                throw new InvalidOperationException("NULL has no text form; the caller writes the NULL marker.");
        }
    }
}
