using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Borealis.Sql.Results;

/// <summary>
/// Presents stored values as MySQL presents them in the text protocol (e.g. DECIMAL(10,2) 1.5 as "1.50",
/// DOUBLE as the shortest round-trip form with MySQL's exponent style "1e20", FLOAT with float precision,
/// DATETIME as "YYYY-MM-DD hh:mm:ss[.ffffff]", BIT as its big-endian bytes). See docs/sql-layer.md, "Values".
/// </summary>
public static class MySqlValueFormatter
{
    /// <summary>Writes the text form of a non-NULL value (no length prefix).</summary>
    public static void FormatText(ColumnDefinition column, IRowSource row, int ordinal, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(output);
        var kind = row.GetKind(ordinal);
        switch (kind)
        {
            case ValueKind.Integer:
                {
                    long v = row.GetInt64(ordinal);
                    if (column.Type == MySqlColumnType.Bit)
                    {
                        int bytes = Math.Max(1, (int)((column.Length + 7) / 8));
                        var span = output.GetSpan(bytes);
                        for (int i = 0; i < bytes; i++)
                            span[i] = (byte)((ulong)v >> (8 * (bytes - 1 - i)));
                        output.Advance(bytes);
                        return;
                    }
                    if (column.Type is MySqlColumnType.NewDecimal or MySqlColumnType.Decimal && column.Decimals is > 0 and < 31)
                    {
                        WriteAscii(output, v.ToString(CultureInfo.InvariantCulture) + "." + new string('0', column.Decimals));
                        return;
                    }
                    if (column.Type is MySqlColumnType.Double or MySqlColumnType.Float && column.Decimals is > 0 and < 31)
                    {
                        WriteAscii(output, ((double)v).ToString("F" + column.Decimals, CultureInfo.InvariantCulture));
                        return;
                    }
                    if ((column.Flags & ColumnFlags.Unsigned) != 0 && v < 0)
                    {
                        WriteAscii(output, unchecked((ulong)v).ToString(CultureInfo.InvariantCulture));
                        return;
                    }
                    var dst = output.GetSpan(20);
                    Utf8Formatter.TryFormat(v, dst, out int written);
                    output.Advance(written);
                    return;
                }
            case ValueKind.Real:
                WriteAscii(output, FormatReal(column, row.GetDouble(ordinal)));
                return;
            case ValueKind.Text:
            case ValueKind.Blob:
                output.Write(row.GetBytes(ordinal));
                return;
            default:
                throw new InvalidOperationException("NULL has no text form; the caller writes the NULL marker.");
        }
    }

    /// <summary>The text of a REAL value for a column of the given type.</summary>
    public static string FormatReal(ColumnDefinition column, double d)
    {
        ArgumentNullException.ThrowIfNull(column);
        switch (column.Type)
        {
            case MySqlColumnType.NewDecimal or MySqlColumnType.Decimal:
                if (column.Decimals is >= 0 and < 31)
                {
                    if (Math.Abs(d) < 7.9e27)
                        return Math.Round((decimal)d, column.Decimals, MidpointRounding.AwayFromZero).ToString("F" + column.Decimals, CultureInfo.InvariantCulture);
                    return d.ToString("F" + column.Decimals, CultureInfo.InvariantCulture);
                }
                return Shortest(d);
            case MySqlColumnType.Float:
                if (column.Decimals is > 0 and < 31)
                    return d.ToString("F" + column.Decimals, CultureInfo.InvariantCulture);
                return Shortest((float)d);
            case MySqlColumnType.Double:
                if (column.Decimals is > 0 and < 31)
                    return d.ToString("F" + column.Decimals, CultureInfo.InvariantCulture);
                return Shortest(d);
            case MySqlColumnType.Tiny or MySqlColumnType.Short or MySqlColumnType.Int24 or MySqlColumnType.Long or MySqlColumnType.LongLong or MySqlColumnType.Year:
                if (d == Math.Floor(d) && Math.Abs(d) < 9.2e18)
                    return ((long)d).ToString(CultureInfo.InvariantCulture);
                return Shortest(d);
            default:
                return Shortest(d);
        }
    }

    static string Shortest(double d)
    {
        if (d == 0)
            return "0";
        string r = d.ToString("R", CultureInfo.InvariantCulture);
        return ExponentStyle(r);
    }

    static string Shortest(float f)
    {
        if (f == 0)
            return "0";
        return ExponentStyle(f.ToString("R", CultureInfo.InvariantCulture));
    }

    static string ExponentStyle(string r)
    {
        int e = r.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
            return r;
        string mantissa = r[..e];
        string exponent = r[(e + 1)..];
        bool negative = exponent.StartsWith('-');
        exponent = exponent.TrimStart('+', '-').TrimStart('0');
        return mantissa + "e" + (negative ? "-" : "") + (exponent.Length == 0 ? "0" : exponent);
    }

    static void WriteAscii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        int n = Encoding.ASCII.GetBytes(text, span);
        output.Advance(n);
    }
}
