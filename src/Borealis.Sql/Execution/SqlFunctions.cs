using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Borealis.Sql.Catalog;
using Borealis.Sql.Errors;
using SQLitePCL;

namespace Borealis.Sql.Execution;

/// <summary>
/// MySQL functions and checks SQLite lacks, registered on each session's connection: value coercion with strict
/// checks (__bx_coerce, __bx_set), REGEXP, date arithmetic and formatting, and string helpers.
/// </summary>
internal static partial class SqlFunctions
{
    static readonly ConcurrentDictionary<string, Regex> s_regexCache = new();

    /// <summary>Rows a recursive CTE may produce in one statement before it fails with 3636 (MySQL limits depth to 1000).</summary>
    const long MaxRecursionRows = 10_000_000;

    public static void Register(sqlite3 db, FunctionState state, ColumnRegistry registry)
    {
        const int deterministic = 0x800; // SQLITE_DETERMINISTIC
        // __bx_coerce(value, columnId [, row]): the row number, when given, is the one errors and warnings name (the
        // source row of INSERT … SELECT, CREATE TABLE … SELECT and an ALTER's copy).
        raw.sqlite3_create_function(db, "__bx_coerce", -1, deterministic, state, (ctx, userData, args) =>
        {
            var s = (FunctionState)userData;
            try
            {
                if (args.Length > 2)
                    s.Row = raw.sqlite3_value_int64(args[2]);
                var col = registry.Get(raw.sqlite3_value_int64(args[1]));
                var value = SqliteUtil.ReadValue(args[0]);
                SqliteUtil.Result(ctx, ValueCoercion.Coerce(col, value, s.Row, s.Strict, s.Warnings));
            }
            catch (MySqlErrorException ex)
            {
                s.PendingError = ex;
                raw.sqlite3_result_error(ctx, ex.Message);
            }
        });
        // The value an earlier assignment of the same UPDATE stored (MySQL's left-to-right SET): converted as
        // __bx_coerce does, without warnings or errors, which that assignment has raised already.
        raw.sqlite3_create_function(db, "__bx_coerce_quiet", 2, deterministic, state, (ctx, userData, args) =>
        {
            var s = (FunctionState)userData;
            try
            {
                var col = registry.Get(raw.sqlite3_value_int64(args[1]));
                SqliteUtil.Result(ctx, ValueCoercion.Coerce(col, SqliteUtil.ReadValue(args[0]), s.Row, strict: false, null));
            }
            catch (MySqlErrorException ex)
            {
                s.PendingError = ex;
                raw.sqlite3_result_error(ctx, ex.Message);
            }
        });
        raw.sqlite3_create_function(db, "__bx_set", 4, 0, state, (ctx, userData, args) =>
        {
            var s = (FunctionState)userData;
            try
            {
                long rowid = raw.sqlite3_value_int64(args[0]);
                var col = registry.Get(raw.sqlite3_value_int64(args[3]));
                var old = SqliteUtil.ReadValue(args[1]);
                var value = ValueCoercion.Coerce(col, SqliteUtil.ReadValue(args[2]), s.Row, s.Strict, s.Warnings);
                s.AnySetCall = true;
                if (rowid != s.LastRowid)
                {
                    s.LastRowid = rowid;
                    s.LastRowCounted = false;
                    s.MatchedRows++;
                }
                if (!s.LastRowCounted && !SameValue(old, value))
                {
                    s.LastRowCounted = true;
                    s.ChangedRows++;
                }
                SqliteUtil.Result(ctx, value);
            }
            catch (MySqlErrorException ex)
            {
                s.PendingError = ex;
                raw.sqlite3_result_error(ctx, ex.Message);
            }
        });
        // WITH CHECK OPTION of a write through a view (RETURNING of the merged write): pairs of (condition, view name);
        // a condition that is not true fails the statement with 1369.
        raw.sqlite3_create_function(db, "__bx_view_check", -1, 0, state, (ctx, userData, args) =>
        {
            var s = (FunctionState)userData;
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                if (raw.sqlite3_value_type(args[i]) == raw.SQLITE_NULL || raw.sqlite3_value_double(args[i]) == 0)
                {
                    var error = MySqlErrors.ViewCheckFailed(raw.sqlite3_value_text(args[i + 1]).utf8_to_string());
                    s.PendingError = error;
                    raw.sqlite3_result_error(ctx, error.Message);
                    return;
                }
            }
            raw.sqlite3_result_int64(ctx, 1);
        });
        // The session's foreign_key_checks, read by the FK triggers (innocuous: usable in schema objects under any trusted_schema).
        const int innocuous = 0x200000; // SQLITE_INNOCUOUS
        raw.sqlite3_create_function(db, "__bx_fkc", 0, innocuous, state, (ctx, userData, args) =>
            raw.sqlite3_result_int64(ctx, ((FunctionState)userData).ForeignKeyChecks ? 1 : 0));
        raw.sqlite3_create_function(db, "__bx_recursion_guard", 0, 0, state, (ctx, userData, args) =>
        {
            var s = (FunctionState)userData;
            if (++s.RecursionRows > MaxRecursionRows)
            {
                s.PendingError = MySqlErrors.RecursionLimit(MaxRecursionRows);
                raw.sqlite3_result_error(ctx, "recursion limit");
                return;
            }
            raw.sqlite3_result_int64(ctx, 1);
        });
        // @name := value and @name in a statement that assigns: read and written row by row (not deterministic).
        raw.sqlite3_create_function(db, "__bx_setvar", 2, 0, state, (ctx, userData, args) =>
        {
            var value = SqliteUtil.ReadValue(args[1]);
            ((FunctionState)userData).UserVariables[raw.sqlite3_value_text(args[0]).utf8_to_string()] = value;
            SqliteUtil.Result(ctx, value);
        });
        raw.sqlite3_create_function(db, "__bx_getvar", 1, 0, state, (ctx, userData, args) =>
            SqliteUtil.Result(ctx, ((FunctionState)userData).UserVariables.GetValueOrDefault(raw.sqlite3_value_text(args[0]).utf8_to_string())));
        raw.sqlite3_create_function(db, "__bx_last_insert_id", 1, 0, state, (ctx, userData, args) =>
        {
            var s = (FunctionState)userData;
            var value = SqliteUtil.ReadValue(args[0]);
            long id = value switch
            {
                long l => l,
                double d => (long)d,
                null => 0,
                _ => long.TryParse(ValueCoercion.ToText(value), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : 0,
            };
            s.LastInsertIdOverride = id;
            raw.sqlite3_result_int64(ctx, id);
        });
        Scalar(db, state, "regexp", 2, a =>
        {
            if (a[0] is null || a[1] is null)
                return null;
            var regex = s_regexCache.GetOrAdd(Text(a[0]), p => new Regex(p, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5)));
            return regex.IsMatch(Text(a[1])) ? 1L : 0L;
        });
        Scalar(db, state, "__bx_mod", 2, a =>
        {
            if (a[0] is null || a[1] is null)
                return null;
            if (a[0] is long x && a[1] is long y)
                return y == 0 ? null : x % y;
            double dy = Num(a[1]);
            return dy == 0 ? null : Num(a[0]) % dy;
        });
        Scalar(db, state, "__bx_date_add", 3, a =>
        {
            if (a[0] is null || a[1] is null)
                return null;
            string unit = Text(a[2]).ToUpperInvariant();
            string text = Text(a[0]);
            var dt = ParseDateTime(text, out bool dateOnly);
            if (dt is null)
                return null;
            if (unit.Contains('_', StringComparison.Ordinal))
                return AddCompoundInterval(dt.Value, dateOnly, Text(a[1]), unit);
            double n = Num(a[1]);
            DateTime r;
            try
            {
                r = unit switch
                {
                    "MICROSECOND" => dt.Value.AddTicks((long)n * 10),
                    "SECOND" => dt.Value.AddSeconds(n),
                    "MINUTE" => dt.Value.AddMinutes(n),
                    "HOUR" => dt.Value.AddHours(n),
                    "DAY" => dt.Value.AddDays(n),
                    "WEEK" => dt.Value.AddDays(7 * n),
                    "MONTH" => dt.Value.AddMonths((int)n),
                    "QUARTER" => dt.Value.AddMonths(3 * (int)n),
                    "YEAR" => dt.Value.AddYears((int)n),
                    _ => throw MySqlErrors.NotSupportedYet("INTERVAL unit " + unit),
                };
            }
            catch (ArgumentOutOfRangeException)
            {
                return null;
            }
            bool keepDate = dateOnly && unit is "DAY" or "WEEK" or "MONTH" or "QUARTER" or "YEAR";
            return keepDate ? r.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : ValueCoercion.FormatDateTime(r);
        });
        Scalar(db, state, "__bx_date_format", 2, a =>
        {
            if (a[0] is null || a[1] is null)
                return null;
            var dt = ParseDateTime(a[0]!, out _);
            return dt is null ? null : DateFormat(dt.Value, Text(a[1]));
        });
        Scalar(db, state, "__bx_date", 1, a => a[0] is null ? null : ParseDateTime(a[0]!, out _)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Scalar(db, state, "__bx_datetime", 1, a =>
        {
            if (a[0] is null)
                return null;
            var dt = ParseDateTime(a[0]!, out _);
            return dt is null ? null : ValueCoercion.FormatDateTime(dt.Value);
        });
        Scalar(db, state, "__bx_time", 1, a => a[0] is null ? null : ValueCoercion.ParseTime(a[0]!, 0));
        Scalar(db, state, "__bx_substring", -1, a =>
        {
            if (a.Length is < 2 or > 3 || a.Any(v => v is null))
                return null;
            long pos = (long)Num(a[1]);
            long? len = a.Length > 2 ? (long)Num(a[2]) : null;
            if (a[0] is byte[] bytes)
                return Substring(bytes.Length, pos, len) is var (from, count) ? bytes.AsSpan((int)from, (int)count).ToArray() : [];
            string text = Text(a[0]);
            var runes = text.EnumerateRunes().ToArray();
            if (Substring(runes.Length, pos, len) is not var (start, take))
                return "";
            if (runes.Length == text.Length)
                return text.Substring((int)start, (int)take);
            var sb = new StringBuilder();
            foreach (var r in runes.AsSpan((int)start, (int)take))
                sb.Append(r.ToString());
            return sb.ToString();
        });
        Scalar(db, state, "__bx_time_part", 2, a =>
        {
            if (a[0] is null || TimeOf(a[0]!) is not { } time)
                return null;
            var parts = time.TrimStart('-').Split(':');
            return long.Parse(parts[(int)Num(a[1])].Split('.')[0], CultureInfo.InvariantCulture);
        });
        Scalar(db, state, "__bx_time_format", 2, a => a[0] is null || a[1] is null ? null : TimeFormat(a[0]!, Text(a[1])));
        Scalar(db, state, "__bx_convert_tz", 3, a =>
        {
            if (a[0] is null || a[1] is null || a[2] is null || ParseDateTime(a[0]!, out _) is not { } dt)
                return null;
            if (ZoneOffset(Text(a[1]), dt, toUtc: true) is not { } from)
                return null;
            var utc = dt - from;
            if (ZoneOffset(Text(a[2]), utc, toUtc: false) is not { } to)
                return null;
            var local = utc + to;
            return ValueCoercion.FormatDateTime(local);
        });
        Scalar(db, state, "__bx_datetime_cast", 2, a => a[0] is null ? null : ValueCoercion.ParseTemporal(a[0]!, dateOnly: false, (int)Num(a[1])));
        // A value compared with a DATE: the date when it is midnight, else the whole DATETIME text, so that text
        // comparison with 'yyyy-MM-dd' is MySQL's comparison as DATETIME.
        Scalar(db, state, "__bx_date_operand", 1, a =>
        {
            if (a[0] is null || ParseDateTime(a[0]!, out _) is not { } dt)
                return null;
            return dt.TimeOfDay == TimeSpan.Zero ? dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : ValueCoercion.FormatDateTime(dt);
        });
        // Comparison forms (Translator.ValueConversion): the value in the canonical text of a column with fsp
        // fraction digits when that loses nothing, else with all six, so text comparison is temporal comparison.
        Scalar(db, state, "__bx_datetime", 2, a =>
        {
            if (a[0] is null)
                return null;
            var dt = ParseDateTime(a[0]!, out _);
            return dt is null ? null : ValueCoercion.FormatDateTime(dt.Value, FractionDigits(dt.Value.Ticks % TimeSpan.TicksPerSecond / 10, (int)Num(a[1])));
        });
        Scalar(db, state, "__bx_time", 2, a =>
        {
            if (a[0] is null || ValueCoercion.ParseTime(a[0]!, 6) is not { } time)
                return null;
            int dot = time.IndexOf('.', StringComparison.Ordinal);
            int digits = FractionDigits(long.Parse(time[(dot + 1)..], CultureInfo.InvariantCulture), (int)Num(a[1]));
            return digits == 0 ? time[..dot] : time[..(dot + 1 + digits)];
        });
        // User-level locks: NULL for a NULL or empty name, as MySQL returns NULL on an error.
        Scalar(db, state, "__bx_get_lock", 2, a =>
        {
            if (a[0] is null || Text(a[0]) is not { Length: > 0 } name)
                return null;
            double seconds = Num(a[1]);
            return state.UserLocks!.Get(name, state.ConnectionId, seconds < 0 ? null : TimeSpan.FromSeconds(seconds)) ? 1L : 0L;
        });
        Scalar(db, state, "__bx_release_lock", 1, a => a[0] is null ? null : state.UserLocks!.Release(Text(a[0]), state.ConnectionId));
        Scalar(db, state, "__bx_is_free_lock", 1, a => a[0] is null ? null : state.UserLocks!.Holder(Text(a[0])) is null ? 1L : 0L);
        Scalar(db, state, "__bx_is_used_lock", 1, a => a[0] is null ? null : state.UserLocks!.Holder(Text(a[0])) is { } holder ? (long)holder : null);
        Scalar(db, state, "__bx_release_all_locks", 0, _ => state.UserLocks!.ReleaseAll(state.ConnectionId));
        Scalar(db, state, "__bx_decimal", 3, a =>
        {
            if (a[0] is null)
                return null;
            int p = (int)Num(a[1]), sc = (int)Num(a[2]);
            var text = ValueCoercion.NormalizeDecimal(a[0] is double d ? d.ToString("R", CultureInfo.InvariantCulture) : Text(a[0]).Trim(), p, sc, out bool overflow);
            if (text is null)
                return "0";
            if (overflow)
                text = (text.StartsWith('-') ? "-" : "") + new string('9', p - sc) + (sc > 0 ? "." + new string('9', sc) : "");
            return text;
        });
        Scalar(db, state, "__bx_now", 1, a => ValueCoercion.FormatDateTime(DateTime.Now, (int)Math.Clamp(Num(a[0]), 0, 6)));
        Scalar(db, state, "__bx_str", 1, a => a[0] switch
        {
            null => null,
            double d => ValueCoercion.FormatDouble(d),
            byte[] b => b,
            var v => ValueCoercion.ToText(v),
        });
        // A DECIMAL value as text, with exactly its scale (0.1 of a DECIMAL(10,2) is '0.10'); a wide DECIMAL is already
        // its canonical text.
        Scalar(db, state, "__bx_decimal_text", 2, a =>
        {
            decimal? number = a[0] switch
            {
                double d => (decimal)d,
                long l => l,
                _ => null,
            };
            if (number is not { } n)
                return a[0] is null or string ? a[0] : ValueCoercion.ToText(a[0]!);
            return n.ToString("F" + Convert.ToInt32(a[1], System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
        });
        Scalar(db, state, "__bx_upper", 1, a => a[0] is null ? null : Text(a[0]).ToUpperInvariant());
        Scalar(db, state, "__bx_lower", 1, a => a[0] is null ? null : Text(a[0]).ToLowerInvariant());
        Scalar(db, state, "__bx_right", 2, a =>
        {
            if (a[0] is null || a[1] is null)
                return null;
            string s = Text(a[0]);
            int n = (int)Math.Clamp(Num(a[1]), 0, s.Length);
            return s[(s.Length - n)..];
        });
        Scalar(db, state, "__bx_concat_ws", -1, a =>
        {
            if (a[0] is null)
                return null;
            return string.Join(Text(a[0]), a.Skip(1).Where(v => v is not null).Select(v => v is double d ? ValueCoercion.FormatDouble(d) : Text(v)));
        });
        Scalar(db, state, "__bx_round", -1, a =>
        {
            if (a.Length == 0 || a[0] is null)
                return null;
            int digits = a.Length > 1 && a[1] is not null ? (int)Num(a[1]) : 0;
            if (a[0] is long l)
            {
                if (digits >= 0)
                    return l;
                decimal factor = (decimal)Math.Pow(10, -digits);
                return (long)(Math.Round(l / factor, MidpointRounding.AwayFromZero) * factor);
            }
            double v = Num(a[0]);
            if (digits >= 0)
            {
                // An exact (DECIMAL) value, which SQLite holds as a double, is rounded as the decimal it was: 1.005 to 1.01.
                double kind = a.Length > 2 && a[2] is not null ? Num(a[2]) : 0;
                bool exact = kind == 1 && Math.Abs(v) < 1e15;
                double r = exact ? (double)Math.Round((decimal)v, Math.Min(digits, 15), MidpointRounding.AwayFromZero)
                    : Math.Round(v, Math.Min(digits, 15), kind == 2 ? MidpointRounding.ToEven : MidpointRounding.AwayFromZero);
                return digits == 0 ? (object)(long)r : r;
            }
            double f = Math.Pow(10, -digits);
            return Math.Round(v / f, MidpointRounding.AwayFromZero) * f;
        });
        Scalar(db, state, "__bx_truncate", -1, a =>
        {
            if (a.Length < 2 || a[0] is null || a[1] is null)
                return null;
            int digits = (int)Num(a[1]);
            double v = Num(a[0]);
            if (a.Length > 2 && a[2] is not null && Num(a[2]) != 0 && Math.Abs(v) < 1e15 && digits is >= 0 and <= 15)
            {
                // As ROUND: an exact value is cut as the decimal it was (TRUNCATE(1.005, 2) is 1.00, not 1.00499…).
                decimal scale = (decimal)Math.Pow(10, digits);
                return (double)(Math.Truncate((decimal)v * scale) / scale);
            }
            double f = Math.Pow(10, digits);
            double r = Math.Truncate(v * f) / f;
            return digits <= 0 ? (object)(long)r : r;
        });
        Scalar(db, state, "__bx_hex", 1, a => a[0] switch
        {
            null => null,
            long l => l.ToString("X", CultureInfo.InvariantCulture),
            double d => ((long)Math.Round(d)).ToString("X", CultureInfo.InvariantCulture),
            byte[] b => Convert.ToHexString(b),
            var v => Convert.ToHexString(Encoding.UTF8.GetBytes(Text(v))),
        });
        Scalar(db, state, "__bx_unhex", 1, a =>
        {
            if (a[0] is null)
                return null;
            string s = Text(a[0]);
            try
            {
                return Convert.FromHexString(s.Length % 2 == 1 ? "0" + s : s);
            }
            catch (FormatException)
            {
                return null;
            }
        });
        Scalar(db, state, "__bx_repeat", 2, a => a[0] is null || a[1] is null ? null : string.Concat(Enumerable.Repeat(Text(a[0]), (int)Math.Clamp(Num(a[1]), 0, 1 << 20))));
        Scalar(db, state, "__bx_space", 1, a => a[0] is null ? null : new string(' ', (int)Math.Clamp(Num(a[0]), 0, 1 << 20)));
        Scalar(db, state, "__bx_lpad", 3, a => Pad(a, left: true));
        Scalar(db, state, "__bx_rpad", 3, a => Pad(a, left: false));
        Scalar(db, state, "__bx_reverse", 1, a => a[0] is null ? null : new string(Text(a[0]).Reverse().ToArray()));
        Scalar(db, state, "__bx_strcmp", 2, a => a[0] is null || a[1] is null ? null : (long)Math.Sign(string.Compare(Text(a[0]), Text(a[1]), StringComparison.OrdinalIgnoreCase)));
        Scalar(db, state, "__bx_substring_index", 3, a =>
        {
            if (a[0] is null || a[1] is null || a[2] is null)
                return null;
            string s = Text(a[0]), delim = Text(a[1]);
            int count = (int)Num(a[2]);
            if (delim.Length == 0 || count == 0)
                return "";
            var parts = s.Split(delim);
            return count > 0 ? string.Join(delim, parts.Take(count)) : string.Join(delim, parts.Skip(Math.Max(0, parts.Length + count)));
        });
        Scalar(db, state, "__bx_field", -1, a =>
        {
            if (a.Length == 0 || a[0] is null)
                return 0L;
            for (int i = 1; i < a.Length; i++)
            {
                if (a[i] is not null && string.Equals(Text(a[0]), Text(a[i]), StringComparison.OrdinalIgnoreCase))
                    return (long)i;
            }
            return 0L;
        });
        Scalar(db, state, "__bx_find_in_set", 2, a =>
        {
            if (a[0] is null || a[1] is null)
                return null;
            var items = Text(a[1]).Split(',');
            int idx = Array.FindIndex(items, x => x.Equals(Text(a[0]), StringComparison.OrdinalIgnoreCase));
            return (long)(idx + 1);
        });
        Scalar(db, state, "__bx_elt", -1, a =>
        {
            if (a.Length == 0 || a[0] is null)
                return null;
            int n = (int)Num(a[0]);
            return n >= 1 && n < a.Length ? a[n] : null;
        });
        Scalar(db, state, "__bx_make_set", -1, a =>
        {
            if (a.Length < 2)
                throw MySqlErrors.WrongParameterCount("MAKE_SET");
            if (a[0] is null)
                return null;
            ulong bits = (ulong)(long)Num(a[0]);
            var chosen = new List<string>();
            for (int i = 1; i < a.Length && i <= 64; i++)
            {
                if ((bits & (1UL << (i - 1))) != 0 && a[i] is not null)
                    chosen.Add(Text(a[i]));
            }
            return string.Join(',', chosen);
        });
        Scalar(db, state, "__bx_export_set", -1, a =>
        {
            if (a.Length is < 3 or > 5)
                throw MySqlErrors.WrongParameterCount("EXPORT_SET");
            if (a.Any(v => v is null))
                return null;
            ulong bits = (ulong)(long)Num(a[0]);
            string on = Text(a[1]), off = Text(a[2]), separator = a.Length > 3 ? Text(a[3]) : ",";
            long count = a.Length > 4 ? (long)Num(a[4]) : 64;
            if (count is < 0 or > 64)
                count = 64;
            var parts = new string[count];
            for (int i = 0; i < count; i++)
                parts[i] = (bits & (1UL << i)) != 0 ? on : off;
            return string.Join(separator, parts);
        });
        Scalar(db, state, "__bx_temporal_number", 1, a => a[0] is string text ? TemporalNumber(text) : a[0]);
        Scalar(db, state, "__bx_greatest_number", -1, a => ExtremeNumber(a, 1));
        Scalar(db, state, "__bx_least_number", -1, a => ExtremeNumber(a, -1));
        Scalar(db, state, "__bx_soundex", 1, a => a[0] is null ? null : Soundex(Text(a[0])));
        Scalar(db, state, "__bx_interval", -1, a =>
        {
            if (a.Length < 2)
                throw MySqlErrors.WrongParameterCount("INTERVAL");
            if (a[0] is null)
                return -1L;
            double n = Num(a[0]);
            long index = 0;
            for (int i = 1; i < a.Length; i++)
            {
                if (a[i] is not null && Num(a[i]) <= n)
                    index = i;
                else if (a[i] is not null)
                    break;
            }
            return index;
        });
        Scalar(db, state, "__bx_uuid", 0, _ => Guid.NewGuid().ToString());
#pragma warning disable CA5351, CA5350 // MD5() and SHA1() are MySQL functions, not used for security here.
        Scalar(db, state, "__bx_md5", 1, a => a[0] is null ? null : Convert.ToHexStringLower(MD5.HashData(Bytes(a[0]))));
        Scalar(db, state, "__bx_sha1", 1, a => a[0] is null ? null : Convert.ToHexStringLower(SHA1.HashData(Bytes(a[0]))));
#pragma warning restore CA5351, CA5350
        Scalar(db, state, "__bx_sha2", 2, a =>
        {
            if (a[0] is null || a[1] is null)
                return null;
            var data = Bytes(a[0]);
            return (long)Num(a[1]) switch
            {
                0 or 256 => Convert.ToHexStringLower(SHA256.HashData(data)),
                384 => Convert.ToHexStringLower(SHA384.HashData(data)),
                512 => Convert.ToHexStringLower(SHA512.HashData(data)),
                _ => null,
            };
        });
        Scalar(db, state, "__bx_to_base64", 1, a => a[0] is null ? null : Convert.ToBase64String(Bytes(a[0])));
        Scalar(db, state, "__bx_from_base64", 1, a =>
        {
            if (a[0] is null)
                return null;
            try
            {
                return Convert.FromBase64String(Text(a[0]));
            }
            catch (FormatException)
            {
                return null;
            }
        });
        Scalar(db, state, "__bx_bin", 1, a => a[0] is null ? null : Convert.ToString((long)Num(a[0]), 2));
        Scalar(db, state, "__bx_oct", 1, a => a[0] is null ? null : Convert.ToString((long)Num(a[0]), 8));
        Scalar(db, state, "__bx_format", -1, a =>
        {
            if (a.Length < 2 || a[0] is null || a[1] is null)
                return null;
            // MySQL rounds half away from zero (FORMAT(0.5, 0) = '1').
            int places = Math.Clamp((int)Num(a[1]), 0, 30);
            double value = Num(a[0]);
            if (Math.Abs(value) < 7.9e27 && places <= 28)
                return Math.Round((decimal)value, places, MidpointRounding.AwayFromZero).ToString("N" + places, CultureInfo.InvariantCulture);
            return value.ToString("N" + places, CultureInfo.InvariantCulture);
        });
        Scalar(db, state, "__bx_insert", 4, a =>
        {
            if (a.Any(x => x is null))
                return null;
            string s = Text(a[0]);
            int pos = (int)Num(a[1]), len = (int)Num(a[2]);
            if (pos < 1 || pos > s.Length)
                return s;
            len = Math.Clamp(len, 0, s.Length - pos + 1);
            return s[..(pos - 1)] + Text(a[3]) + s[(pos - 1 + len)..];
        });
        Scalar(db, state, "__bx_locate", -1, a =>
        {
            if (a.Length < 2 || a[0] is null || a[1] is null)
                return null;
            int start = a.Length > 2 && a[2] is not null ? (int)Num(a[2]) : 1;
            string s = Text(a[1]);
            if (start < 1 || start > s.Length + 1)
                return 0L;
            return (long)(s.IndexOf(Text(a[0]), start - 1, StringComparison.OrdinalIgnoreCase) + 1);
        });
        Scalar(db, state, "__bx_char", -1, a => Encoding.Latin1.GetBytes(new string(a.Where(x => x is not null).Select(x => (char)((long)Num(x) & 0xff)).ToArray())));
        Scalar(db, state, "__bx_ascii", 1, a => a[0] is null ? null : Bytes(a[0]) is { Length: > 0 } b ? (long)b[0] : 0L);
        // ORD: the first character's bytes as a big-endian number (a multi-byte UTF-8 character: 'é' is 0xC3A9 = 50089).
        Scalar(db, state, "__bx_ord", 1, a =>
        {
            if (a[0] is null)
                return null;
            var b = Bytes(a[0]!);
            if (b.Length == 0)
                return 0L;
            int length = a[0] is byte[]? 1 : b[0] < 0xC0 ? 1 : b[0] < 0xE0 ? 2 : b[0] < 0xF0 ? 3 : 4;
            long code = 0;
            for (int i = 0; i < Math.Min(length, b.Length); i++)
                code = code * 256 + b[i];
            return code;
        });
        Scalar(db, state, "__bx_quote", 1, a => a[0] is null ? "NULL" : "'" + Text(a[0]).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'");
        Scalar(db, state, "__bx_monthname", 1, a => DatePart(a, d => d.ToString("MMMM", CultureInfo.InvariantCulture)));
        Scalar(db, state, "__bx_dayname", 1, a => DatePart(a, d => d.ToString("dddd", CultureInfo.InvariantCulture)));
        Scalar(db, state, "__bx_last_day", 1, a => DatePart(a, d => new DateTime(d.Year, d.Month, DateTime.DaysInMonth(d.Year, d.Month)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        Scalar(db, state, "__bx_quarter", 1, a => DatePart(a, d => (long)((d.Month + 2) / 3)));
        Scalar(db, state, "__bx_week", -1, a => DatePart(a, d => Week(d, a.Length > 1 && a[1] is not null ? (int)Num(a[1]) : 0)));
        Scalar(db, state, "__bx_to_days", 1, a => DatePart(a, d => ToDays(d)));
        Scalar(db, state, "__bx_from_days", 1, a => a[0] is null ? null : DateTime.MinValue.AddDays(Num(a[0]) - 366).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Scalar(db, state, "__bx_makedate", 2, a => a[0] is null || a[1] is null || Num(a[1]) < 1 ? null
            : new DateTime((int)Num(a[0]), 1, 1).AddDays(Num(a[1]) - 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Scalar(db, state, "__bx_maketime", 3, a =>
        {
            if (a[0] is null || a[1] is null || a[2] is null)
                return null;
            double hours = Math.Truncate(Num(a[0])), minutes = Num(a[1]), seconds = Num(a[2]);
            if (minutes is < 0 or >= 60 || Math.Truncate(minutes) != minutes || seconds is < 0 or >= 60)
                return null;
            // MySQL's TIME range: ±838:59:59.
            double total = Math.Min(Math.Abs(hours) * 3600 + minutes * 60 + seconds, 838 * 3600 + 59 * 60 + 59);
            var time = TimeSpan.FromTicks((long)Math.Round(total * TimeSpan.TicksPerSecond / 10) * 10);
            // The fraction as the seconds were written (3.5 gives .5), without trailing zeros.
            string formatted = ValueCoercion.FormatTime(hours < 0 ? -time : time);
            return formatted.Contains('.', StringComparison.Ordinal) ? formatted.TrimEnd('0') : formatted;
        });
        Scalar(db, state, "__bx_sec_to_time", 1, a => a[0] is null ? null : ValueCoercion.FormatTime(TimeSpan.FromSeconds(Num(a[0]))));
        Scalar(db, state, "__bx_time_to_sec", 1, a =>
        {
            if (a[0] is null)
                return null;
            var t = ValueCoercion.ParseTime(a[0]!, 0) ?? ParseDateTime(a[0]!, out _)?.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            if (t is null)
                return null;
            bool neg = t.StartsWith('-');
            var p = t.TrimStart('-').Split(':');
            long secs = long.Parse(p[0], CultureInfo.InvariantCulture) * 3600 + long.Parse(p[1], CultureInfo.InvariantCulture) * 60 + long.Parse(p[2], CultureInfo.InvariantCulture);
            return neg ? -secs : secs;
        });
        Scalar(db, state, "__bx_timestampdiff", 3, a =>
        {
            if (a[1] is null || a[2] is null)
                return null;
            var x = ParseDateTime(a[1]!, out _);
            var y = ParseDateTime(a[2]!, out _);
            if (x is null || y is null)
                return null;
            var span = y.Value - x.Value;
            return Text(a[0]).ToUpperInvariant() switch
            {
                "MICROSECOND" => span.Ticks / 10,
                "SECOND" => (long)span.TotalSeconds,
                "MINUTE" => (long)span.TotalMinutes,
                "HOUR" => (long)span.TotalHours,
                "DAY" => (long)span.TotalDays,
                "WEEK" => (long)(span.TotalDays / 7),
                "MONTH" => MonthDiff(x.Value, y.Value),
                "QUARTER" => MonthDiff(x.Value, y.Value) / 3,
                "YEAR" => MonthDiff(x.Value, y.Value) / 12,
                _ => null,
            };
        });
        Scalar(db, state, "__bx_extract", 2, a =>
        {
            if (a[1] is null)
                return null;
            var d = ParseDateTime(a[1]!, out _);
            if (d is null)
                return null;
            return Text(a[0]).ToUpperInvariant() switch
            {
                "YEAR" => (long)d.Value.Year,
                "MONTH" => (long)d.Value.Month,
                "DAY" => (long)d.Value.Day,
                "HOUR" => (long)d.Value.Hour,
                "MINUTE" => (long)d.Value.Minute,
                "SECOND" => (long)d.Value.Second,
                "QUARTER" => (long)((d.Value.Month + 2) / 3),
                "WEEK" => Week(d.Value, 0),
                "MICROSECOND" => d.Value.Ticks % TimeSpan.TicksPerSecond / 10,
                "YEAR_MONTH" => (long)(d.Value.Year * 100 + d.Value.Month),
                "DAY_HOUR" => (long)(d.Value.Day * 100 + d.Value.Hour),
                "DAY_MINUTE" => (long)(d.Value.Day * 10000 + d.Value.Hour * 100 + d.Value.Minute),
                "DAY_SECOND" => d.Value.Day * 1000000L + d.Value.Hour * 10000 + d.Value.Minute * 100 + d.Value.Second,
                "DAY_MICROSECOND" => (d.Value.Day * 1000000L + d.Value.Hour * 10000 + d.Value.Minute * 100 + d.Value.Second) * 1000000 + d.Value.Ticks % TimeSpan.TicksPerSecond / 10,
                "HOUR_MINUTE" => (long)(d.Value.Hour * 100 + d.Value.Minute),
                "HOUR_SECOND" => (long)(d.Value.Hour * 10000 + d.Value.Minute * 100 + d.Value.Second),
                "HOUR_MICROSECOND" => (d.Value.Hour * 10000L + d.Value.Minute * 100 + d.Value.Second) * 1000000 + d.Value.Ticks % TimeSpan.TicksPerSecond / 10,
                "MINUTE_SECOND" => (long)(d.Value.Minute * 100 + d.Value.Second),
                "MINUTE_MICROSECOND" => (d.Value.Minute * 100L + d.Value.Second) * 1000000 + d.Value.Ticks % TimeSpan.TicksPerSecond / 10,
                "SECOND_MICROSECOND" => d.Value.Second * 1000000L + d.Value.Ticks % TimeSpan.TicksPerSecond / 10,
                _ => null,
            };
        });
        Scalar(db, state, "__bx_json_unquote", 1, a =>
        {
            if (a[0] is null)
                return null;
            string s = Text(a[0]);
            if (s.Length >= 2 && s[0] == '"')
            {
                try
                {
                    return JsonSerializer.Deserialize<string>(s);
                }
                catch (JsonException)
                {
                    return s;
                }
            }
            return s;
        });
        Scalar(db, state, "__bx_json_valid", 1, a =>
        {
            if (a[0] is null)
                return null;
            try
            {
                using var doc = JsonDocument.Parse(Text(a[0]));
                return 1L;
            }
            catch (JsonException)
            {
                return 0L;
            }
        });
        Scalar(db, state, "__bx_sleep", 1, a =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(Math.Clamp(Num(a[0]), 0, 60)));
            return 0L;
        });
        Scalar(db, state, "__bx_crc32", 1, a => a[0] is null ? null : (long)Crc32(Bytes(a[0])));
        Scalar(db, state, "__bx_bit_count", 1, a => a[0] is null ? null : (long)ulong.PopCount((ulong)(long)Num(a[0])));
        RegisterMySql8(db, state);
        RegisterMisc(db, state);
    }

    static long MonthDiff(DateTime x, DateTime y)
    {
        long months = (y.Year - x.Year) * 12L + y.Month - x.Month;
        if (months > 0 && y.AddMonths(-(int)months) < x)
            months--;
        else if (months < 0 && y.AddMonths(-(int)months) > x)
            months++;
        return months;
    }

    static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>
    /// SUBSTRING's (start, count) over <paramref name="length"/> characters with MySQL's rules: position 1 is the first,
    /// a negative one counts from the end, 0 or one before the start is nothing, as is a count below 1; null: empty.
    /// </summary>
    static (long Start, long Count)? Substring(long length, long pos, long? len)
    {
        long start = pos > 0 ? pos - 1 : pos < 0 ? length + pos : -1;
        if (start < 0 || start >= length || len is < 1)
            return null;
        return (start, Math.Min(length - start, len ?? long.MaxValue));
    }

    /// <summary>A TIME value ([-]h:mm:ss.ffffff), or a DATETIME's time of day; null when the value is neither.</summary>
    static string? TimeOf(object value) =>
        ValueCoercion.ParseTime(value, 6)
        ?? (ParseDateTime(ValueCoercion.ToText(value), out _) is { } dt ? dt.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture) : null);

    /// <summary>
    /// TIME_FORMAT: hours (which may pass 24), minutes, seconds and microseconds of a TIME; a date specifier makes the
    /// result NULL, as in MySQL. A negative time prints its sign once, first.
    /// </summary>
    static string? TimeFormat(object value, string format)
    {
        if (TimeOf(value) is not { } time)
            return null;
        bool negative = time.StartsWith('-');
        var parts = time.TrimStart('-').Split(':', '.');
        long hours = long.Parse(parts[0], CultureInfo.InvariantCulture);
        string minutes = parts[1], seconds = parts[2], micros = parts.Length > 3 ? parts[3].PadRight(6, '0') : "000000";
        long h12 = hours % 12 == 0 ? 12 : hours % 12;
        string ampm = hours % 24 < 12 ? "AM" : "PM";
        var sb = new StringBuilder(negative ? "-" : "");
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            char c = format[++i];
            switch (c)
            {
                case 'H': sb.Append(hours.ToString("00", CultureInfo.InvariantCulture)); break;
                case 'k': sb.Append(hours.ToString(CultureInfo.InvariantCulture)); break;
                case 'h' or 'I': sb.Append(h12.ToString("00", CultureInfo.InvariantCulture)); break;
                case 'l': sb.Append(h12.ToString(CultureInfo.InvariantCulture)); break;
                case 'i': sb.Append(minutes); break;
                case 's' or 'S': sb.Append(seconds); break;
                case 'f': sb.Append(micros); break;
                case 'p': sb.Append(ampm); break;
                case 'r': sb.Append(CultureInfo.InvariantCulture, $"{h12:00}:{minutes}:{seconds} {ampm}"); break;
                case 'T': sb.Append(CultureInfo.InvariantCulture, $"{hours:00}:{minutes}:{seconds}"); break;
                case 'a' or 'b' or 'c' or 'D' or 'd' or 'e' or 'j' or 'M' or 'm' or 'U' or 'u' or 'V' or 'v' or 'W' or 'w' or 'X' or 'x' or 'Y' or 'y':
                    return null;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// CONVERT_TZ's zones: '+hh:mm' / '-hh:mm' (MySQL 8.0's range, -13:59 to +14:00), SYSTEM (the server's zone), or a
    /// named zone of the system's time zone database; null for anything else, so the result is NULL as in MySQL.
    /// </summary>
    static TimeSpan? ZoneOffset(string zone, DateTime at, bool toUtc)
    {
        zone = zone.Trim();
        if (zone.Length >= 4 && zone[0] is '+' or '-' && zone.IndexOf(':', StringComparison.Ordinal) is int colon and > 1
            && int.TryParse(zone[1..colon], NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            && int.TryParse(zone[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int m) && m < 60)
        {
            var offset = new TimeSpan(h, m, 0) * (zone[0] == '-' ? -1 : 1);
            return offset > TimeSpan.FromHours(14) || offset < -new TimeSpan(13, 59, 0) ? null : offset;
        }
        TimeZoneInfo info;
        try
        {
            info = zone.Equals("SYSTEM", StringComparison.OrdinalIgnoreCase) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(zone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
        // From a zone: the offset in force at that local time; to a zone: at that UTC instant.
        return toUtc ? info.GetUtcOffset(DateTime.SpecifyKind(at, DateTimeKind.Unspecified))
            : info.GetUtcOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc));
    }

    /// <summary>MySQL's day number: days since year 0 (0001-01-01 is day 366).</summary>
    static long ToDays(DateTime d) => (long)(d.Date - DateTime.MinValue).TotalDays + 366;

    static object? DatePart(object?[] a, Func<DateTime, object?> f)
    {
        if (a.Length == 0 || a[0] is null)
            return null;
        var d = ParseDateTime(a[0]!, out _);
        return d is null ? null : f(d.Value);
    }

    static object? Pad(object?[] a, bool left)
    {
        if (a[0] is null || a[1] is null || a[2] is null)
            return null;
        string s = Text(a[0]), pad = Text(a[2]);
        int len = (int)Num(a[1]);
        if (len < 0)
            return null;
        if (s.Length >= len)
            return s[..len];
        if (pad.Length == 0)
            return null;
        var sb = new StringBuilder();
        while (sb.Length < len - s.Length)
            sb.Append(pad);
        string fill = sb.ToString()[..(len - s.Length)];
        return left ? fill + s : s + fill;
    }

    static bool SameValue(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (long x, long y) => x == y,
        (double x, double y) => x == y,
        (long x, double y) => x == y,
        (double x, long y) => x == y,
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
        _ => false,
    };

    static string Text(object? v) => v is null ? "" : ValueCoercion.ToText(v);

    /// <summary>
    /// A date ('2024-01-05' → 20240105), datetime (→ 20240105103000, a fraction making it a double) or time
    /// ('-12:30:00' → -123000) as the number MySQL reads in arithmetic; any other text as it is.
    /// </summary>
    static object TemporalNumber(string text)
    {
        bool negative = text.StartsWith('-');
        string body = negative ? text[1..] : text;
        int dot = body.IndexOf('.', StringComparison.Ordinal);
        string whole = dot < 0 ? body : body[..dot];
        string digits = whole.Replace("-", "", StringComparison.Ordinal).Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        bool shaped = whole.Length switch
        {
            10 => whole[4] == '-' && whole[7] == '-',
            19 => whole[4] == '-' && whole[7] == '-' && whole[10] == ' ' && whole[13] == ':' && whole[16] == ':',
            _ => whole.Count(c => c == ':') == 2 && !whole.Contains('-', StringComparison.Ordinal),
        };
        if (!shaped || digits.Length == 0 || !digits.All(char.IsAsciiDigit) || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
            return text;
        if (negative && whole.Length is 10 or 19)
            return text;
        if (dot >= 0 && body[(dot + 1)..] is { Length: > 0 } fraction && fraction.All(char.IsAsciiDigit) && fraction.Any(c => c != '0'))
        {
            double value = number + double.Parse("0." + fraction, CultureInfo.InvariantCulture);
            return negative ? -value : value;
        }
        return negative ? -number : number;
    }

    /// <summary>GREATEST (<paramref name="sign"/> 1) or LEAST (-1) of numbers and strings, compared as numbers.</summary>
    static object? ExtremeNumber(object?[] args, int sign)
    {
        object? best = null;
        double bestValue = 0;
        foreach (var arg in args)
        {
            if (arg is null)
                return null;
            object number = ValueCoercion.ToNumber(arg); // a long or a double
            double value = number is long l ? l : (double)number;
            if (best is null || Math.Sign(value.CompareTo(bestValue)) == sign)
            {
                best = number;
                bestValue = value;
            }
        }
        return best;
    }

    /// <summary>MySQL's SOUNDEX: the first letter, then the digit of each following letter that differs from the last
    /// digit seen (vowels, H, W and Y have none and do not separate), at least four characters.</summary>
    static string Soundex(string text)
    {
        const string Codes = "01230120022455012623010202";
        var sb = new StringBuilder();
        char last = '\0';
        foreach (char c in text)
        {
            char upper = char.ToUpperInvariant(c);
            if (upper is < 'A' or > 'Z')
                continue;
            char code = Codes[upper - 'A'];
            if (sb.Length == 0)
                sb.Append(upper);
            else if (code != '0' && code != last)
                sb.Append(code);
            else
                continue;
            last = code;
        }
        if (sb.Length is > 0 and < 4)
            sb.Append('0', 4 - sb.Length);
        return sb.ToString();
    }

    /// <summary>The parts of each compound interval unit, largest first.</summary>
    static readonly Dictionary<string, string[]> s_compoundUnits = new(StringComparer.Ordinal)
    {
        ["YEAR_MONTH"] = ["YEAR", "MONTH"],
        ["DAY_HOUR"] = ["DAY", "HOUR"],
        ["DAY_MINUTE"] = ["DAY", "HOUR", "MINUTE"],
        ["DAY_SECOND"] = ["DAY", "HOUR", "MINUTE", "SECOND"],
        ["DAY_MICROSECOND"] = ["DAY", "HOUR", "MINUTE", "SECOND", "MICROSECOND"],
        ["HOUR_MINUTE"] = ["HOUR", "MINUTE"],
        ["HOUR_SECOND"] = ["HOUR", "MINUTE", "SECOND"],
        ["HOUR_MICROSECOND"] = ["HOUR", "MINUTE", "SECOND", "MICROSECOND"],
        ["MINUTE_SECOND"] = ["MINUTE", "SECOND"],
        ["MINUTE_MICROSECOND"] = ["MINUTE", "SECOND", "MICROSECOND"],
        ["SECOND_MICROSECOND"] = ["SECOND", "MICROSECOND"],
    };

    /// <summary>
    /// DATE_ADD with a compound unit ('1:30' HOUR_MINUTE): the numbers in the value, in any separators, fill the
    /// unit's parts from the right (a short value leaves out the largest parts); a leading '-' negates them all; a
    /// microsecond part of fewer than 6 digits is a fraction ('1.5' SECOND_MICROSECOND is 1.5 s), as in MySQL.
    /// </summary>
    static string? AddCompoundInterval(DateTime dt, bool dateOnly, string value, string unit)
    {
        if (!s_compoundUnits.TryGetValue(unit, out var parts))
            throw MySqlErrors.NotSupportedYet("INTERVAL unit " + unit);
        string trimmed = value.TrimStart();
        bool negative = false;
        while (trimmed.StartsWith('-'))
        {
            negative = !negative;
            trimmed = trimmed[1..].TrimStart();
        }
        var numbers = new List<(long Value, int Digits)>();
        for (int i = 0; i < trimmed.Length;)
        {
            if (!char.IsAsciiDigit(trimmed[i]))
            {
                i++;
                continue;
            }
            int start = i;
            while (i < trimmed.Length && char.IsAsciiDigit(trimmed[i]))
                i++;
            if (!long.TryParse(trimmed.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out long number))
                return null;
            numbers.Add((number, i - start));
        }
        if (numbers.Count > parts.Length)
            return null;
        int offset = parts.Length - numbers.Count;
        long sign = negative ? -1 : 1;
        try
        {
            var r = dt;
            for (int i = 0; i < numbers.Count; i++)
            {
                var (n, digits) = numbers[i];
                n *= sign;
                r = parts[offset + i] switch
                {
                    "YEAR" => r.AddYears(checked((int)n)),
                    "MONTH" => r.AddMonths(checked((int)n)),
                    "DAY" => r.AddDays(n),
                    "HOUR" => r.AddHours(n),
                    "MINUTE" => r.AddMinutes(n),
                    "SECOND" => r.AddSeconds(n),
                    _ => r.AddTicks(n * 10 * (long)Math.Pow(10, Math.Max(0, 6 - digits))),
                };
            }
            return dateOnly && unit == "YEAR_MONTH" ? r.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : ValueCoercion.FormatDateTime(r);
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or OverflowException)
        {
            return null;
        }
    }

    static byte[] Bytes(object? v) => v is byte[] b ? b : Encoding.UTF8.GetBytes(Text(v));

    static double Num(object? v) => v switch
    {
        null => 0,
        long l => l,
        double d => d,
        _ => double.TryParse(Text(v).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0,
    };

    /// <summary><paramref name="fsp"/> when <paramref name="micros"/> fits in that many digits, else 6.</summary>
    static int FractionDigits(long micros, int fsp)
    {
        long unit = 1;
        for (int k = fsp; k < 6; k++)
            unit *= 10;
        return micros % unit == 0 ? fsp : 6;
    }

    /// <summary>A DATETIME (as ticks since 0001-01-01) or a TIME (as a span), for TIMEDIFF.</summary>
    static TimeSpan? TimeValue(object value)
    {
        string text = Text(value).Trim();
        if (text.Contains('-', StringComparison.Ordinal) && text.IndexOf('-', StringComparison.Ordinal) > 0)
            return ParseDateTime(text, out _) is { } dt ? TimeSpan.FromTicks(dt.Ticks) : null;
        if (TimeOf(value) is not { } time)
            return null;
        bool negative = time.StartsWith('-');
        var parts = time.TrimStart('-').Split(':', '.');
        var span = new TimeSpan(0, int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture))
            + TimeSpan.FromTicks(long.Parse(parts[3], CultureInfo.InvariantCulture) * 10);
        return negative ? -span : span;
    }

    /// <summary>A date or datetime given as text or as a number (20240105, 950501, 20240105103000).</summary>
    static DateTime? ParseDateTime(object value, out bool dateOnly)
    {
        dateOnly = false;
        if (value is double or decimal)
            value = Math.Truncate(Convert.ToDecimal(value, CultureInfo.InvariantCulture));
        var canonical = ValueCoercion.ParseTemporal(value, dateOnly: false, 6);
        if (canonical is null)
            return null;
        dateOnly = value is long n ? n <= 99991231 : ValueCoercion.ToText(value).Trim().Length <= 10;
        return DateTime.ParseExact(canonical, "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
    }

    static readonly HashSet<string> s_volatile = new(StringComparer.Ordinal)
    {
        "__bx_now", "__bx_uuid", "__bx_sleep", "__bx_rand", "__bx_get_lock", "__bx_release_lock", "__bx_is_free_lock", "__bx_is_used_lock", "__bx_release_all_locks",
        "__bx_uuid_short", "__bx_random_bytes",
    };

    static void Scalar(sqlite3 db, FunctionState state, string name, int args, Func<object?[], object?> fn)
    {
        // Pure functions are deterministic, so SQLite evaluates them once on constant arguments and can use indexes.
        int flags = s_volatile.Contains(name) ? 0 : 0x800;
        raw.sqlite3_create_function(db, name, args, flags, state, (ctx, userData, values) =>
        {
            var s = (FunctionState)userData;
            try
            {
                var a = new object?[values.Length];
                for (int i = 0; i < a.Length; i++)
                    a[i] = SqliteUtil.ReadValue(values[i]);
                SqliteUtil.Result(ctx, fn(a));
            }
            catch (MySqlErrorException ex)
            {
                s.PendingError = ex;
                raw.sqlite3_result_error(ctx, ex.Message);
            }
#pragma warning disable CA1031 // A callback must never throw into SQLite: the failure becomes the statement's error.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                raw.sqlite3_result_error(ctx, ex.Message);
            }
        });
    }

    /// <summary>MySQL's DATE_FORMAT specifiers.</summary>
    public static string DateFormat(DateTime d, string format)
    {
        var sb = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%' || i + 1 >= format.Length)
            {
                sb.Append(c);
                continue;
            }
            char f = format[++i];
            sb.Append(f switch
            {
                'Y' => d.Year.ToString("0000", ci),
                'y' => (d.Year % 100).ToString("00", ci),
                'm' => d.Month.ToString("00", ci),
                'c' => d.Month.ToString(ci),
                'M' => d.ToString("MMMM", ci),
                'b' => d.ToString("MMM", ci),
                'd' => d.Day.ToString("00", ci),
                'e' => d.Day.ToString(ci),
                'D' => d.Day + (d.Day % 10 == 1 && d.Day != 11 ? "st" : d.Day % 10 == 2 && d.Day != 12 ? "nd" : d.Day % 10 == 3 && d.Day != 13 ? "rd" : "th"),
                'H' => d.Hour.ToString("00", ci),
                'k' => d.Hour.ToString(ci),
                'h' or 'I' => ((d.Hour + 11) % 12 + 1).ToString("00", ci),
                'l' => ((d.Hour + 11) % 12 + 1).ToString(ci),
                'i' => d.Minute.ToString("00", ci),
                's' or 'S' => d.Second.ToString("00", ci),
                'f' => (d.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", ci),
                'p' => d.Hour < 12 ? "AM" : "PM",
                'r' => d.ToString("hh:mm:ss ", ci) + (d.Hour < 12 ? "AM" : "PM"),
                'T' => d.ToString("HH:mm:ss", ci),
                'W' => d.ToString("dddd", ci),
                'a' => d.ToString("ddd", ci),
                'w' => ((int)d.DayOfWeek).ToString(ci),
                'j' => d.DayOfYear.ToString("000", ci),
                'U' => Week(d, 0).ToString("00", ci),
                'u' => Week(d, 1).ToString("00", ci),
                'V' => Week(d, 2).ToString("00", ci),
                'v' => Week(d, 3).ToString("00", ci),
                'X' => (YearWeek(d, 2) / 100).ToString("0000", ci),
                'x' => (YearWeek(d, 3) / 100).ToString("0000", ci),
                '%' => "%",
                _ => f.ToString(),
            });
        }
        return sb.ToString();
    }
}
