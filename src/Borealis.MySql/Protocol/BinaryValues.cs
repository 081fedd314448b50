using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Borealis.Sql.Results;

namespace Borealis.MySql.Protocol;

/// <summary>
/// Values in the binary protocol (<see href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_binary_resultset.html#sect_protocol_binary_resultset_row_value"/>):
/// integers by width, FLOAT/DOUBLE as IEEE, temporal types as a length byte and their fields, everything else as
/// a length-encoded string.
/// </summary>
internal static class BinaryValues
{
    public static bool IsTextType(MySqlColumnType type) => type is MySqlColumnType.VarChar or MySqlColumnType.VarString
        or MySqlColumnType.String or MySqlColumnType.Enum or MySqlColumnType.Set or MySqlColumnType.Json
        or MySqlColumnType.Decimal or MySqlColumnType.NewDecimal;

    /// <summary>Reads one COM_STMT_EXECUTE parameter value as a value <see cref="Borealis.Sql.ISqlSession"/> accepts.</summary>
    public static object? ReadParameter(ref PacketReader reader, ParameterType parameter)
    {
        var unsigned = parameter.Unsigned;
        switch (parameter.Type)
        {
            case MySqlColumnType.Null:
                return null;
            case MySqlColumnType.Tiny:
                return unsigned ? reader.ReadByte() : (long)(sbyte)reader.ReadByte();
            case MySqlColumnType.Short:
            case MySqlColumnType.Year:
                return unsigned ? reader.ReadUInt16() : (long)(short)reader.ReadUInt16();
            case MySqlColumnType.Long:
            case MySqlColumnType.Int24:
                return unsigned ? reader.ReadUInt32() : (long)(int)reader.ReadUInt32();
            case MySqlColumnType.LongLong:
                return unsigned ? reader.ReadUInt64() : (object)(long)reader.ReadUInt64();
            case MySqlColumnType.Float:
                return reader.ReadSingle();
            case MySqlColumnType.Double:
                return reader.ReadDouble();
            case MySqlColumnType.Date:
            case MySqlColumnType.DateTime:
            case MySqlColumnType.Timestamp:
                return ReadDateTime(ref reader);
            case MySqlColumnType.Time:
                return ReadTime(ref reader);
            case MySqlColumnType.Decimal:
            case MySqlColumnType.NewDecimal:
                {
                    // More digits than decimal holds (DECIMAL(65,30) from Connector/J's BigDecimal) stay exact.
                    var text = reader.ReadLengthEncodedString();
                    return Sql.Syntax.ExactDecimal.FitsDecimal(text) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                        ? value : new Sql.Syntax.ExactDecimal(text);
                }
            case MySqlColumnType.VarChar:
            case MySqlColumnType.VarString:
            case MySqlColumnType.String:
            case MySqlColumnType.Enum:
            case MySqlColumnType.Set:
            case MySqlColumnType.Json:
                return TextOrBytes(reader.ReadLengthEncodedBytes());
            case MySqlColumnType.TinyBlob:
            case MySqlColumnType.MediumBlob:
            case MySqlColumnType.LongBlob:
            case MySqlColumnType.Blob:
            case MySqlColumnType.Geometry:
            case MySqlColumnType.Bit:
                return reader.ReadLengthEncodedBytes().ToArray();
            default:
                ProtocolViolationException.ThrowMalformed();
                return null;
        }
    }

    static object ReadDateTime(ref PacketReader reader)
    {
        var length = reader.ReadByte();
        int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micro = 0;
        if (length >= 4)
        {
            year = reader.ReadUInt16();
            month = reader.ReadByte();
            day = reader.ReadByte();
        }
        if (length >= 7)
        {
            hour = reader.ReadByte();
            minute = reader.ReadByte();
            second = reader.ReadByte();
        }
        if (length >= 11)
            micro = (int)reader.ReadUInt32();
        if (length is not (0 or 4 or 7 or 11))
            ProtocolViolationException.ThrowMalformed();
        if (year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            && hour < 24 && minute < 60 && second < 60 && micro < 1_000_000)
            return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(micro * 10L);
        // Zero dates and out-of-range fields go on as text, so that the SQL layer rejects or accepts them as MySQL does.
        var text = $"{year:D4}-{month:D2}-{day:D2} {hour:D2}:{minute:D2}:{second:D2}";
        return micro == 0 ? text : text + "." + micro.ToString("D6", CultureInfo.InvariantCulture);
    }

    static TimeSpan ReadTime(ref PacketReader reader)
    {
        var length = reader.ReadByte();
        if (length == 0)
            return TimeSpan.Zero;
        if (length is not (8 or 12))
            ProtocolViolationException.ThrowMalformed();
        var negative = reader.ReadByte() != 0;
        var days = reader.ReadUInt32();
        var hours = reader.ReadByte();
        var minutes = reader.ReadByte();
        var seconds = reader.ReadByte();
        var micro = length == 12 ? reader.ReadUInt32() : 0;
        if (days > 100_000 || micro >= 1_000_000)
            ProtocolViolationException.ThrowMalformed();
        var ticks = (((((days * 24L) + hours) * 60 + minutes) * 60) + seconds) * TimeSpan.TicksPerSecond + micro * 10L;
        return TimeSpan.FromTicks(negative ? -ticks : ticks);
    }

    /// <summary>Writes one non-NULL column value of a binary result row.</summary>
    public static void WriteValue(ref PacketWriter writer, ColumnDefinition column, IRowSource row, int ordinal, ArrayBufferWriter<byte> scratch)
    {
        switch (column.Type)
        {
            case MySqlColumnType.Tiny:
                writer.WriteByte((byte)GetInteger(row, ordinal));
                break;
            case MySqlColumnType.Short:
            case MySqlColumnType.Year:
                writer.WriteUInt16((ushort)GetInteger(row, ordinal));
                break;
            case MySqlColumnType.Long:
            case MySqlColumnType.Int24:
                writer.WriteUInt32((uint)GetInteger(row, ordinal));
                break;
            case MySqlColumnType.LongLong:
                writer.WriteUInt64((ulong)GetInteger(row, ordinal));
                break;
            case MySqlColumnType.Float:
                writer.WriteSingle((float)GetReal(row, ordinal));
                break;
            case MySqlColumnType.Double:
                writer.WriteDouble(GetReal(row, ordinal));
                break;
            case MySqlColumnType.Date:
            case MySqlColumnType.DateTime:
            case MySqlColumnType.Timestamp:
                WriteDateTime(ref writer, row, ordinal, column.Type == MySqlColumnType.Date);
                break;
            case MySqlColumnType.Time:
                WriteTime(ref writer, row, ordinal);
                break;
            default:
                WriteText(ref writer, column, row, ordinal, scratch);
                break;
        }
    }

    /// <summary>A length-encoded string of the value's text form (<see cref="MySqlValueFormatter.FormatText"/>).</summary>
    public static void WriteText(ref PacketWriter writer, ColumnDefinition column, IRowSource row, int ordinal, ArrayBufferWriter<byte> scratch)
    {
        scratch.ResetWrittenCount();
        MySqlValueFormatter.FormatText(column, row, ordinal, scratch);
        writer.WriteLengthEncodedBytes(scratch.WrittenSpan);
    }

    /// <summary>The value as a 64-bit integer; BIGINT UNSIGNED above long.MaxValue keeps its bits.</summary>
    static long GetInteger(IRowSource row, int ordinal)
    {
        switch (row.GetKind(ordinal))
        {
            case ValueKind.Integer:
                return row.GetInt64(ordinal);
            case ValueKind.Real:
                return (long)Math.Round(row.GetDouble(ordinal), MidpointRounding.AwayFromZero);
            default:
                {
                    var text = row.GetBytes(ordinal).Trim((byte)' ');
                    if (Utf8Parser.TryParse(text, out long signed, out var consumed) && consumed == text.Length)
                        return signed;
                    if (Utf8Parser.TryParse(text, out ulong unsigned, out consumed) && consumed == text.Length)
                        return (long)unsigned;
                    if (Utf8Parser.TryParse(text, out double real, out consumed) && consumed == text.Length)
                        return (long)Math.Round(real, MidpointRounding.AwayFromZero);
                    return 0;
                }
        }
    }

    static double GetReal(IRowSource row, int ordinal)
    {
        switch (row.GetKind(ordinal))
        {
            case ValueKind.Integer:
                return row.GetInt64(ordinal);
            case ValueKind.Real:
                return row.GetDouble(ordinal);
            default:
                {
                    var text = row.GetBytes(ordinal).Trim((byte)' ');
                    return Utf8Parser.TryParse(text, out double real, out var consumed) && consumed == text.Length ? real : 0;
                }
        }
    }

    static void WriteDateTime(ref PacketWriter writer, IRowSource row, int ordinal, bool dateOnly)
    {
        var kind = row.GetKind(ordinal);
        if ((kind != ValueKind.Text && kind != ValueKind.Blob)
            || !TryParseDateTime(row.GetBytes(ordinal), out var year, out var month, out var day, out var hour, out var minute, out var second, out var micro))
        {
            writer.WriteByte(0);
            return;
        }
        if (dateOnly || (hour == 0 && minute == 0 && second == 0 && micro == 0))
        {
            if (year == 0 && month == 0 && day == 0)
            {
                writer.WriteByte(0);
                return;
            }
            writer.WriteByte(4);
        }
        else
        {
            writer.WriteByte(micro == 0 ? (byte)7 : (byte)11);
        }
        writer.WriteUInt16((ushort)year);
        writer.WriteByte((byte)month);
        writer.WriteByte((byte)day);
        if (dateOnly || (hour == 0 && minute == 0 && second == 0 && micro == 0))
            return;
        writer.WriteByte((byte)hour);
        writer.WriteByte((byte)minute);
        writer.WriteByte((byte)second);
        if (micro != 0)
            writer.WriteUInt32((uint)micro);
    }

    static void WriteTime(ref PacketWriter writer, IRowSource row, int ordinal)
    {
        var kind = row.GetKind(ordinal);
        if ((kind != ValueKind.Text && kind != ValueKind.Blob) || !TryParseTime(row.GetBytes(ordinal), out var negative, out var hours, out var minute, out var second, out var micro)
            || (hours == 0 && minute == 0 && second == 0 && micro == 0))
        {
            writer.WriteByte(0);
            return;
        }
        writer.WriteByte(micro == 0 ? (byte)8 : (byte)12);
        writer.WriteByte(negative ? (byte)1 : (byte)0);
        writer.WriteUInt32((uint)(hours / 24));
        writer.WriteByte((byte)(hours % 24));
        writer.WriteByte((byte)minute);
        writer.WriteByte((byte)second);
        if (micro != 0)
            writer.WriteUInt32((uint)micro);
    }

    /// <summary>Parses 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]' (a 'T' may separate date and time).</summary>
    public static bool TryParseDateTime(ReadOnlySpan<byte> text, out int year, out int month, out int day, out int hour, out int minute, out int second, out int micro)
    {
        year = month = day = hour = minute = second = micro = 0;
        if (text.Length < 10 || text[4] != '-' || text[7] != '-'
            || !TryDigits(text[..4], out year) || !TryDigits(text.Slice(5, 2), out month) || !TryDigits(text.Slice(8, 2), out day))
            return false;
        if (text.Length == 10)
            return true;
        if (text.Length < 19 || (text[10] != ' ' && text[10] != 'T') || text[13] != ':' || text[16] != ':'
            || !TryDigits(text.Slice(11, 2), out hour) || !TryDigits(text.Slice(14, 2), out minute) || !TryDigits(text.Slice(17, 2), out second))
            return false;
        return TryFraction(text[19..], out micro);
    }

    /// <summary>Parses '[-]H+:MM:SS[.ffffff]'.</summary>
    public static bool TryParseTime(ReadOnlySpan<byte> text, out bool negative, out int hours, out int minute, out int second, out int micro)
    {
        negative = false;
        hours = minute = second = micro = 0;
        if (text.Length > 0 && text[0] == '-')
        {
            negative = true;
            text = text[1..];
        }
        var colon = text.IndexOf((byte)':');
        if (colon < 1 || colon > 7 || text.Length < colon + 6 || text[colon + 3] != ':'
            || !TryDigits(text[..colon], out hours) || !TryDigits(text.Slice(colon + 1, 2), out minute) || !TryDigits(text.Slice(colon + 4, 2), out second))
            return false;
        return TryFraction(text[(colon + 6)..], out micro);
    }

    static bool TryFraction(ReadOnlySpan<byte> text, out int micro)
    {
        micro = 0;
        if (text.IsEmpty)
            return true;
        if (text[0] != '.' || text.Length > 7 || !TryDigits(text[1..], out var fraction))
            return false;
        for (var i = text.Length - 1; i < 6; i++)
            fraction *= 10;
        micro = fraction;
        return true;
    }

    static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text.IsEmpty)
            return false;
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'9')
                return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    /// <summary>Decodes UTF-8 for logging and messages.</summary>
    public static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>A string parameter's value: its text, or its bytes when they are not UTF-8 — Connector/J sends a
    /// byte[] as a VAR_STRING, and those bytes must reach a BLOB unchanged.</summary>
    public static object TextOrBytes(ReadOnlySpan<byte> bytes) =>
        System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : bytes.ToArray();
}
