using System.Globalization;
using System.Text;
using System.Text.Json;
using Borealis.Sql.Catalog;
using Borealis.Sql.Errors;
using Borealis.Sql.Parsing;

namespace Borealis.Sql.Execution;

/// <summary>
/// Converts a value to the stored form of a column, with MySQL's strict-mode checks (1264 out of range, 1406 too
/// long, 1292 bad date, 1366 bad number, 1265 bad ENUM). Stored forms (docs/sql-layer.md, "Values"): integers as
/// INTEGER; FLOAT/DOUBLE as REAL; DECIMAL(p≤15) as INTEGER/REAL rounded to the scale, wider DECIMAL as canonical
/// TEXT; strings as TEXT; binary as BLOB; DATE 'YYYY-MM-DD', DATETIME/TIMESTAMP 'YYYY-MM-DD hh:mm:ss[.ffffff]',
/// TIME '[-]hh:mm:ss[.ffffff]' as TEXT; YEAR as INTEGER; ENUM as its canonical member text; JSON as TEXT.
/// </summary>
internal static class ValueCoercion
{
    /// <summary>Coerces <paramref name="value"/> for <paramref name="column"/>. In non-strict mode (INSERT IGNORE) bad values
    /// are clipped and reported through <paramref name="warnings"/> instead of failing.</summary>
    public static object? Coerce(ColumnInfo column, object? value, long row, bool strict, List<SqlWarning>? warnings)
    {
        if (value is null)
            return null;
        try
        {
            return CoerceCore(column, value, row, strict, warnings);
        }
        catch (MySqlErrorException ex) when (!strict && ex.Code != MySqlErrorCode.NotSupportedYet)
        {
            warnings?.Add(SqlWarning.Of(ex));
            return ImplicitDefault(column);
        }
    }

    /// <summary>The value MySQL uses for a NOT NULL column without a default (0, '', zero date).</summary>
    public static object? ImplicitDefault(ColumnInfo column)
    {
        if (column.IsInteger || column.DataType is "decimal")
            return 0L;
        if (column.DataType is "float" or "double")
            return 0.0;
        if (column.IsBinary)
            return Array.Empty<byte>();
        return column.DataType switch
        {
            "date" => "0000-00-00",
            "datetime" or "timestamp" => "0000-00-00 00:00:00",
            "time" => "00:00:00",
            "enum" => column.Values.Count > 0 ? column.Values[0] : "",
            "json" => "null",
            _ => "",
        };
    }

    static object? CoerceCore(ColumnInfo c, object value, long row, bool strict, List<SqlWarning>? warnings)
    {
        switch (c.DataType)
        {
            case "tinyint" or "smallint" or "mediumint" or "int" or "bigint" or "bit":
                return CoerceInteger(c, value, row, strict, warnings);
            case "year":
                {
                    long y = Convert.ToInt64(CoerceInteger(c, value, row, strict, warnings), CultureInfo.InvariantCulture);
                    if (y is > 0 and < 70)
                        y += 2000;
                    else if (y is >= 70 and < 100)
                        y += 1900;
                    if (y != 0 && (y < 1901 || y > 2155))
                        throw MySqlErrors.OutOfRange(c.Name, row);
                    return y;
                }
            case "decimal":
                return CoerceDecimal(c, value, row);
            case "float" or "double":
                {
                    double d = ToDouble(c, value, row);
                    if (double.IsNaN(d) || double.IsInfinity(d))
                        throw MySqlErrors.OutOfRange(c.Name, row);
                    if (c.Unsigned && d < 0)
                        throw MySqlErrors.OutOfRange(c.Name, row);
                    if (c.DataType == "float")
                    {
                        if (Math.Abs(d) > float.MaxValue)
                            throw MySqlErrors.OutOfRange(c.Name, row);
                        d = (float)d;
                    }
                    if (c.Scale is int s)
                        d = Math.Round(d, s, MidpointRounding.AwayFromZero);
                    return d;
                }
            case "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext":
                {
                    string s = ToText(value);
                    if (c.DataType == "char")
                        s = s.TrimEnd(' ');
                    long max = c.MaxLength ?? long.MaxValue;
                    bool tooLong = c.DataType is "char" or "varchar" ? s.Length > max && CountCodePoints(s) > max : Encoding.UTF8.GetByteCount(s) > max;
                    if (tooLong)
                    {
                        if (strict)
                            throw MySqlErrors.DataTooLong(c.Name, row);
                        warnings?.Add(new SqlWarning("Warning", 1265, $"Data truncated for column '{c.Name}' at row {row}"));
                        s = s[..(int)Math.Min(s.Length, max)];
                    }
                    return s;
                }
            case "binary" or "varbinary" or "tinyblob" or "blob" or "mediumblob" or "longblob":
                {
                    byte[] b = value is byte[] bytes ? bytes : QueryText.ToBytes(ToText(value));
                    long max = c.MaxLength ?? long.MaxValue;
                    if (b.Length > max)
                    {
                        if (strict)
                            throw MySqlErrors.DataTooLong(c.Name, row);
                        b = b[..(int)max];
                    }
                    if (c.DataType == "binary" && b.Length < max)
                    {
                        var padded = new byte[max];
                        b.CopyTo(padded, 0);
                        b = padded;
                    }
                    return b;
                }
            case "enum":
                {
                    if (value is long or int or ulong or double or decimal)
                    {
                        long idx = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                        if (idx >= 1 && idx <= c.Values.Count)
                            return c.Values[(int)idx - 1];
                        throw MySqlErrors.DataTruncated(c.Name, row);
                    }
                    string s = ToText(value).TrimEnd(' ');
                    foreach (var v in c.Values)
                    {
                        if (v.Equals(s, StringComparison.OrdinalIgnoreCase))
                            return v;
                    }
                    throw MySqlErrors.DataTruncated(c.Name, row);
                }
            case "set":
                {
                    string s = ToText(value);
                    if (s.Length == 0)
                        return "";
                    var parts = s.Split(',');
                    var chosen = new List<string>();
                    foreach (var v in c.Values)
                    {
                        if (parts.Any(p => p.Equals(v, StringComparison.OrdinalIgnoreCase)))
                            chosen.Add(v);
                    }
                    if (parts.Any(p => !c.Values.Any(v => v.Equals(p, StringComparison.OrdinalIgnoreCase))))
                        throw MySqlErrors.DataTruncated(c.Name, row);
                    return string.Join(",", chosen);
                }
            case "json":
                {
                    string s = ToText(value);
                    try
                    {
                        // Stored as MySQL prints it (one space after ',' and ':', object keys sorted), as MySQL normalises JSON.
                        using var doc = JsonDocument.Parse(s);
                        var sb = new StringBuilder();
                        JsonText.Write(doc.RootElement, sb);
                        return sb.ToString();
                    }
                    catch (JsonException ex)
                    {
                        throw MySqlErrors.InvalidJson(ex.Message.Split('.')[0], c.Name);
                    }
                }
            case "date":
                {
                    var parsed = ParseTemporal(value, dateOnly: true);
                    if (parsed is null)
                        throw MySqlErrors.IncorrectValue("date", ToText(value), c.Name, row);
                    return parsed;
                }
            case "datetime" or "timestamp":
                {
                    var parsed = ParseTemporal(value, dateOnly: false, c.Length ?? 0);
                    if (parsed is null || c.DataType == "timestamp" && !IsTimestampInRange(parsed))
                        throw MySqlErrors.IncorrectValue("datetime", ToText(value), c.Name, row);
                    return parsed;
                }
            case "time":
                {
                    var parsed = ParseTime(value, c.Length ?? 0);
                    if (parsed is null)
                        throw MySqlErrors.IncorrectValue("time", ToText(value), c.Name, row);
                    return parsed;
                }
            default:
                return value is byte[]? value : ToText(value);
        }
    }

    static int CountCodePoints(string s)
    {
        int n = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (!char.IsLowSurrogate(s[i]))
                n++;
        }
        return n;
    }

    static (decimal Min, decimal Max) IntegerRange(ColumnInfo c) => c.DataType switch
    {
        "tinyint" => c.Unsigned ? (0m, 255m) : (-128m, 127m),
        "smallint" => c.Unsigned ? (0m, 65535m) : (-32768m, 32767m),
        "mediumint" => c.Unsigned ? (0m, 16777215m) : (-8388608m, 8388607m),
        "int" => c.Unsigned ? (0m, 4294967295m) : (-2147483648m, 2147483647m),
        "bit" => (0m, c.Length is int w && w < 64 ? (decimal)((1UL << w) - 1) : ulong.MaxValue),
        "year" => (0m, 9999m),
        _ => c.Unsigned ? (0m, ulong.MaxValue) : (long.MinValue, long.MaxValue),
    };

    static object CoerceInteger(ColumnInfo c, object value, long row, bool strict, List<SqlWarning>? warnings)
    {
        if (value is long exact)
        {
            // The common case (an integer literal or parameter in range) keeps its boxed value: nothing to allocate.
            var (low, high) = IntegerRange(c);
            if (exact >= low && exact <= high)
                return value;
        }
        decimal v;
        switch (value)
        {
            case long l:
                v = l;
                break;
            case int i:
                v = i;
                break;
            case ulong u:
                v = u;
                break;
            case bool b:
                v = b ? 1 : 0;
                break;
            case double d:
                if (double.IsNaN(d) || Math.Abs(d) > 1.8e19)
                    throw MySqlErrors.OutOfRange(c.Name, row);
                v = Math.Round((decimal)d, MidpointRounding.AwayFromZero);
                break;
            case float f:
                v = Math.Round((decimal)f, MidpointRounding.AwayFromZero);
                break;
            case decimal m:
                v = Math.Round(m, MidpointRounding.AwayFromZero);
                break;
            case byte[] bytes when c.DataType == "bit":
                {
                    ulong acc = 0;
                    foreach (var b in bytes)
                        acc = (acc << 8) | b;
                    v = acc;
                    break;
                }
            case DateTime dt:
                v = decimal.Parse(dt.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                break;
            default:
                {
                    string s = ToText(value).Trim();
                    if (!TryParseNumberPrefix(s, out var parsed, out bool complete) || !complete)
                    {
                        // A number followed by more ('12abc') is truncated (1265); no number at all is 1366.
                        bool prefix = !complete && s.Length > 0 && TryParseNumberPrefix(s, out _, out _);
                        if (prefix && strict)
                            throw MySqlErrors.DataTruncated(c.Name, row);
                        if (!prefix)
                            throw MySqlErrors.IncorrectInteger(ToText(value), c.Name, row);
                        warnings?.Add(new SqlWarning("Warning", 1265, $"Data truncated for column '{c.Name}' at row {row}"));
                    }
                    v = Math.Round(parsed, MidpointRounding.AwayFromZero);
                    break;
                }
        }
        var (min, max) = IntegerRange(c);
        if (v < min || v > max)
        {
            if (strict)
                throw MySqlErrors.OutOfRange(c.Name, row);
            warnings?.Add(new SqlWarning("Warning", 1264, $"Out of range value for column '{c.Name}' at row {row}"));
            v = v < min ? min : max;
        }
        // SQLite integers are signed 64-bit: a larger value would be stored as a rounded REAL, so it is refused.
        if (v > long.MaxValue)
            throw MySqlErrors.NotSupportedYet((c.DataType == "bit" ? "BIT(64)" : "BIGINT UNSIGNED") + " values above 9223372036854775807");
        return (long)v;
    }

    /// <summary>A column whose values are numbers (BIT takes bytes as they are and is not one here).</summary>
    public static bool IsNumeric(ColumnInfo c) => c.DataType is not "bit" and not "year" && c.IsInteger || c.DataType is "decimal" or "float" or "double";

    /// <summary>The unsigned number up to 8 bytes spell, big-endian (X'0100' is 256), as a long when it fits.</summary>
    public static object BytesAsNumber(ReadOnlySpan<byte> bytes)
    {
        ulong value = 0;
        foreach (byte b in bytes)
            value = (value << 8) | b;
        return value <= long.MaxValue ? (long)value : value;
    }

    /// <summary>A value as MySQL reads it in a numeric context: a string's numeric prefix ('12abc' is 12, 'a' is 0), as
    /// a long when it is whole and fits, else a double.</summary>
    public static object ToNumber(object value)
    {
        if (value is long or double)
            return value;
        if (!TryParseNumberPrefix(ToText(value).TrimStart(), out decimal d, out _))
            return 0L;
        return d == decimal.Truncate(d) && d is >= long.MinValue and <= long.MaxValue ? (long)d : (double)d;
    }

    /// <summary>Parses a MySQL numeric string prefix ("12abc" → 12, complete=false).</summary>
    static bool TryParseNumberPrefix(string s, out decimal value, out bool complete)
    {
        value = 0;
        complete = false;
        int i = 0;
        if (i < s.Length && (s[i] == '+' || s[i] == '-'))
            i++;
        int digitsStart = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
            i++;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
                i++;
        }
        if (i == digitsStart || (i == digitsStart + 1 && s[digitsStart] == '.'))
            return false;
        int mantissaEnd = i;
        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            int j = i + 1;
            if (j < s.Length && (s[j] == '+' || s[j] == '-'))
                j++;
            if (j < s.Length && char.IsAsciiDigit(s[j]))
            {
                while (j < s.Length && char.IsAsciiDigit(s[j]))
                    j++;
                i = j;
            }
        }
        complete = i == s.Length;
        if (i > mantissaEnd)
        {
            if (!double.TryParse(s.AsSpan(0, i), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || Math.Abs(d) > 7.9e28)
                return false;
            value = (decimal)d;
            return true;
        }
        return decimal.TryParse(s.AsSpan(0, i), NumberStyles.Number, CultureInfo.InvariantCulture, out value);
    }

    static double ToDouble(ColumnInfo c, object value, long row)
    {
        switch (value)
        {
            case double d:
                return d;
            case float f:
                return f;
            case long l:
                return l;
            case int i:
                return i;
            case ulong u:
                return u;
            case decimal m:
                return (double)m;
            case bool b:
                return b ? 1 : 0;
            default:
                {
                    string s = ToText(value).Trim();
                    if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                        return d;
                    throw MySqlErrors.IncorrectDouble(ToText(value), c.Name, row);
                }
        }
    }

    static object CoerceDecimal(ColumnInfo c, object value, long row)
    {
        int precision = c.Length ?? 10, scale = c.Scale ?? 0;
        string text = value switch
        {
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => ((double)f).ToString("R", CultureInfo.InvariantCulture),
            decimal m => m.ToString(CultureInfo.InvariantCulture),
            long l => l.ToString(CultureInfo.InvariantCulture),
            ulong u => u.ToString(CultureInfo.InvariantCulture),
            int i => i.ToString(CultureInfo.InvariantCulture),
            bool b => b ? "1" : "0",
            _ => ToText(value).Trim(),
        };
        var canonical = NormalizeDecimal(text, precision, scale, out bool overflow);
        if (canonical is null)
            throw MySqlErrors.IncorrectDecimal(ToText(value), c.Name, row);
        if (overflow || (c.Unsigned && canonical.StartsWith('-')))
            throw MySqlErrors.OutOfRange(c.Name, row);
        if (precision <= 15)
        {
            if (scale == 0)
                return long.Parse(canonical, CultureInfo.InvariantCulture);
            return double.Parse(canonical, CultureInfo.InvariantCulture);
        }
        return canonical;
    }

    /// <summary>Rounds a decimal string (optionally with exponent) to <paramref name="scale"/> digits, half away from zero,
    /// exactly (string arithmetic); null when not a number.</summary>
    public static string? NormalizeDecimal(string text, int precision, int scale, out bool overflow)
    {
        overflow = false;
        string s = text;
        if (s.Contains('e', StringComparison.OrdinalIgnoreCase))
        {
            if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                return null;
            s = d.ToString("F" + Math.Min(scale + 1, 99), CultureInfo.InvariantCulture);
        }
        bool negative = false;
        int i = 0;
        if (i < s.Length && (s[i] == '-' || s[i] == '+'))
        {
            negative = s[i] == '-';
            i++;
        }
        int dot = s.IndexOf('.', i);
        string intPart = dot < 0 ? s[i..] : s[i..dot];
        string fracPart = dot < 0 ? "" : s[(dot + 1)..];
        if ((intPart.Length == 0 && fracPart.Length == 0) || !intPart.All(char.IsAsciiDigit) || !fracPart.All(char.IsAsciiDigit))
            return null;
        // Round the fraction to scale.
        var digits = new StringBuilder(intPart.TrimStart('0'));
        int intLen = digits.Length;
        string frac = fracPart.Length >= scale ? fracPart[..scale] : fracPart.PadRight(scale, '0');
        digits.Append(frac);
        bool roundUp = fracPart.Length > scale && fracPart[scale] >= '5';
        if (roundUp)
        {
            int k = digits.Length - 1;
            while (k >= 0)
            {
                if (digits[k] == '9')
                {
                    digits[k] = '0';
                    k--;
                }
                else
                {
                    digits[k]++;
                    break;
                }
            }
            if (k < 0)
            {
                digits.Insert(0, '1');
                intLen++;
            }
        }
        string all = digits.ToString();
        string ip = all[..intLen].TrimStart('0');
        string fp = all[intLen..];
        if (ip.Length > precision - scale)
            overflow = true;
        if (ip.Length == 0)
            ip = "0";
        bool zero = ip == "0" && fp.All(ch => ch == '0');
        string result = (negative && !zero ? "-" : "") + ip + (scale > 0 ? "." + fp : "");
        return result;
    }

    public static string ToText(object value) => value switch
    {
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        ulong u => u.ToString(CultureInfo.InvariantCulture),
        double d => FormatDouble(d),
        float f => FormatDouble(f),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        DateTime dt => FormatDateTime(dt),
        TimeSpan ts => FormatTime(ts),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>A double as MySQL prints it: shortest round-trip digits, exponent as "e+20"/"e-5" style.</summary>
    public static string FormatDouble(double d)
    {
        if (d == 0)
            return "0";
        string r = d.ToString("R", CultureInfo.InvariantCulture);
        if (r.Contains('E', StringComparison.Ordinal))
        {
            r = r.Replace("E+", "e", StringComparison.Ordinal).Replace("E-", "e-", StringComparison.Ordinal);
            return r;
        }
        return r;
    }

    /// <summary>A DATETIME's text with its fraction when it has one (six digits), else without.</summary>
    public static string FormatDateTime(DateTime dt) => FormatDateTime(dt, dt.Ticks % TimeSpan.TicksPerSecond == 0 ? 0 : 6);

    public static string FormatDateTime(DateTime dt, int fsp)
    {
        string s = dt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        if (fsp > 0)
            s += "." + (dt.Ticks % TimeSpan.TicksPerSecond / 10).ToString("D6", CultureInfo.InvariantCulture)[..fsp];
        return s;
    }

    public static string FormatTime(TimeSpan ts)
    {
        string sign = ts < TimeSpan.Zero ? "-" : "";
        var a = ts.Duration();
        string s = $"{sign}{(long)a.TotalHours:00}:{a.Minutes:00}:{a.Seconds:00}";
        long micros = a.Ticks % TimeSpan.TicksPerSecond / 10;
        if (micros != 0)
            s += "." + micros.ToString("D6", CultureInfo.InvariantCulture);
        return s;
    }

    /// <summary>Parses a date/datetime in MySQL's accepted forms; returns the canonical text or null when invalid.</summary>
    public static string? ParseTemporal(object value, bool dateOnly, int fsp = 0)
    {
        if (value is DateTime dt)
            return dateOnly ? dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : FormatDateTime(dt, fsp);
        string s;
        if (value is long or int or ulong or decimal or double)
        {
            if (NumberAsTemporal(Convert.ToDecimal(value, CultureInfo.InvariantCulture)) is not { } text)
                return null;
            s = text;
        }
        else
        {
            s = ToText(value).Trim();
        }
        if (!TryParseDateTimeParts(s, out int y, out int mo, out int d, out int h, out int mi, out int sec, out long micros, out bool hasTime))
            return null;
        if (y == 0 && mo == 0 && d == 0)
            return null; // NO_ZERO_DATE (strict default)
        if (mo < 1 || mo > 12 || d < 1 || d > DateTime.DaysInMonth(Math.Max(1, y), mo))
            return null;
        if (h > 23 || mi > 59 || sec > 59)
            return null;
        string date = $"{y:0000}-{mo:00}-{d:00}";
        if (dateOnly)
            return date;
        // Rounded once to the column's digits, half up ('…00.12345' in DATETIME(3) is .123; rounding digit by digit
        // gave .124), carrying into the seconds ('…59.9996' in DATETIME(3) is the next second).
        long unit = (long)Math.Pow(10, 6 - Math.Clamp(fsp, 0, 6));
        long scaled = (micros + unit / 2) / unit;
        _ = hasTime;
        string result = $"{date} {h:00}:{mi:00}:{sec:00}";
        if (scaled * unit >= 1_000_000)
        {
            if (y < 1 || y == 9999 && mo == 12 && d == 31 && h == 23 && mi == 59 && sec == 59)
            {
                scaled = (1_000_000 - unit) / unit; // no DateTime for year 0, nothing after 9999: keep the largest fraction
            }
            else
            {
                result = new DateTime(y, mo, d, h, mi, sec).AddSeconds(1).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                scaled = 0;
            }
        }
        return fsp > 0 ? result + "." + scaled.ToString(CultureInfo.InvariantCulture).PadLeft(fsp, '0') : result;
    }

    /// <summary>
    /// TIMESTAMP's range, 1970-01-01 00:00:01 to 2038-01-19 03:14:07 UTC, for a value in the server's time zone (the
    /// session's time_zone is SYSTEM unless set).
    /// </summary>
    static bool IsTimestampInRange(string canonical)
    {
        var local = DateTime.ParseExact(canonical[..19], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        if (local.Year is < 1969 or > 2038)
            return false;
        var utc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeZoneInfo.Local);
        return utc >= new DateTime(1970, 1, 1, 0, 0, 1) && utc <= new DateTime(2038, 1, 19, 3, 14, 7);
    }

    /// <summary>
    /// A number as a date or datetime, as MySQL reads one: YYMMDD, YYYYMMDD, YYMMDDhhmmss or YYYYMMDDhhmmss, with
    /// leading zeros left out (101 is 2000-01-01; two-digit years 70–99 are 19xx, 00–69 20xx). Null when it is none.
    /// </summary>
    static string? NumberAsTemporal(decimal value)
    {
        if (value < 0 || value != decimal.Truncate(value) || value > 99991231235959m)
            return null;
        long n = (long)value;
        if (n < 101 || n is > 691231 and < 700101 || n is > 991231 and < 10000101 || n is > 99991231 and < 101000000
            || n is > 691231235959 and < 700101000000 || n is > 991231235959 and < 10000101000000)
            return null;
        string digits = n.ToString(CultureInfo.InvariantCulture);
        return DigitsAsTemporal(digits.PadLeft(n <= 991231 ? 6 : n <= 99991231 ? 8 : n <= 991231235959 ? 12 : 14, '0'));
    }

    /// <summary>6, 8, 12 or 14 digits (YYMMDD, YYYYMMDD, YYMMDDhhmmss, YYYYMMDDhhmmss) in the delimited form.</summary>
    static string DigitsAsTemporal(string s)
    {
        if (s.Length is 6 or 12)
            s = (int.Parse(s[..2], CultureInfo.InvariantCulture) < 70 ? "20" : "19") + s;
        return s.Length == 8 ? $"{s[..4]}-{s[4..6]}-{s[6..8]}" : $"{s[..4]}-{s[4..6]}-{s[6..8]} {s[8..10]}:{s[10..12]}:{s[12..14]}";
    }

    static bool TryParseDateTimeParts(string s, out int y, out int mo, out int d, out int h, out int mi, out int sec, out long micros, out bool hasTime)
    {
        y = mo = d = h = mi = sec = 0;
        micros = 0;
        hasTime = false;
        if (s.Length is 6 or 8 or 12 or 14 && s.All(char.IsAsciiDigit))
            s = DigitsAsTemporal(s);
        int i = 0;
        if (!ReadInt(s, ref i, out y, 4))
            return false;
        int yearDigits = i;
        if (!SkipSep(s, ref i) || !ReadInt(s, ref i, out mo, 2) || !SkipSep(s, ref i) || !ReadInt(s, ref i, out d, 2))
            return false;
        if (yearDigits <= 2)
            y += y < 70 ? 2000 : 1900;
        if (i == s.Length)
            return true;
        if (s[i] != ' ' && s[i] != 'T')
            return false;
        while (i < s.Length && (s[i] == ' ' || s[i] == 'T'))
            i++;
        hasTime = true;
        if (!ReadInt(s, ref i, out h, 2))
            return false;
        if (i < s.Length && s[i] == ':')
        {
            i++;
            if (!ReadInt(s, ref i, out mi, 2))
                return false;
            if (i < s.Length && s[i] == ':')
            {
                i++;
                if (!ReadInt(s, ref i, out sec, 2))
                    return false;
            }
        }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            int start = i;
            long frac = 0;
            int n = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                if (n < 6)
                {
                    frac = frac * 10 + (s[i] - '0');
                    n++;
                }
                i++;
            }
            if (i == start)
                return false;
            while (n < 6)
            {
                frac *= 10;
                n++;
            }
            micros = frac;
        }
        while (i < s.Length && s[i] == ' ')
            i++;
        return i == s.Length || s[i..].Equals("Z", StringComparison.Ordinal);
    }

    static bool ReadInt(string s, ref int i, out int value, int maxDigits)
    {
        value = 0;
        int start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]) && i - start < maxDigits + (maxDigits == 4 ? 0 : 0))
        {
            value = value * 10 + (s[i] - '0');
            i++;
        }
        return i > start;
    }

    static bool SkipSep(string s, ref int i)
    {
        if (i < s.Length && (s[i] == '-' || s[i] == '/' || s[i] == '.' || s[i] == ':'))
        {
            i++;
            return true;
        }
        return false;
    }

    /// <summary>Parses a TIME value ("[-]h:mm:ss[.f]", "[-]D hh[:mm[:ss]]", "hhmmss", a TimeSpan); canonical text or null.</summary>
    public static string? ParseTime(object value, int fsp)
    {
        if (value is DateTime dt)
            return dt.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        // A TimeSpan goes through its text, so the column's fraction digits apply to it too.
        string s = value is TimeSpan ts ? FormatTime(ts) : ToText(value).Trim();
        bool neg = s.StartsWith('-');
        if (neg)
            s = s[1..];
        int h, m = 0, sec = 0;
        string frac = "";
        // 'D hh:mm:ss' (MySql.Data writes a TimeSpan so): D days more hours.
        int days = 0;
        int space = s.IndexOf(' ', StringComparison.Ordinal);
        bool hasDays = space > 0 && space <= 2 && s[..space].All(char.IsAsciiDigit);
        if (hasDays)
        {
            days = int.Parse(s[..space], CultureInfo.InvariantCulture);
            s = s[(space + 1)..].TrimStart();
        }
        int dotIdx = s.IndexOf('.', StringComparison.Ordinal);
        if (dotIdx >= 0)
        {
            frac = s[(dotIdx + 1)..];
            s = s[..dotIdx];
        }
        var parts = s.Split(':');
        if (hasDays && parts.Length == 1 && parts[0].Length is 1 or 2 && parts[0].All(char.IsAsciiDigit))
        {
            h = int.Parse(parts[0], CultureInfo.InvariantCulture);
        }
        else if (parts.Length == 1 && parts[0].All(char.IsAsciiDigit) && parts[0].Length > 0)
        {
            long n = long.Parse(parts[0], CultureInfo.InvariantCulture);
            h = (int)(n / 10000);
            m = (int)(n / 100 % 100);
            sec = (int)(n % 100);
        }
        else if (parts.Length is 2 or 3 && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit)))
        {
            h = int.Parse(parts[0], CultureInfo.InvariantCulture);
            m = int.Parse(parts[1], CultureInfo.InvariantCulture);
            sec = parts.Length == 3 ? int.Parse(parts[2], CultureInfo.InvariantCulture) : 0;
        }
        else
        {
            return null;
        }
        h += days * 24;
        if (m > 59 || sec > 59 || h > 838 || !frac.All(char.IsAsciiDigit))
            return null;
        string r = $"{(neg ? "-" : "")}{h:00}:{m:00}:{sec:00}";
        if (fsp > 0)
            r += "." + frac.PadRight(6, '0')[..fsp];
        return r;
    }
}
