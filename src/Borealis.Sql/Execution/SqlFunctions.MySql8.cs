using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Borealis.Engine;
using Borealis.Sql.Errors;
using SQLitePCL;

namespace Borealis.Sql.Execution;

/// <summary>
/// More of MySQL 8.0's functions: statistics and bit aggregates, the scalar-subquery check, REGEXP_*, CONV,
/// STR_TO_DATE and time arithmetic, CAST AS SIGNED/UNSIGNED rounding, case-sensitive LIKE, and the JSON functions
/// of <see cref="JsonText"/>.
/// </summary>
internal static partial class SqlFunctions
{
    static void RegisterMySql8(sqlite3 db, FunctionState state)
    {
        // GROUP_CONCAT(DISTINCT … SEPARATOR s), which SQLite's group_concat cannot take (DISTINCT allows one argument):
        // (value, separator, fold). Values are kept in the order they come (an ORDER BY inside the call orders them);
        // a value equal to one kept, under the server collation when fold is 1 or byte for byte, is left out.
        raw.sqlite3_create_function(db, "__bx_group_concat_distinct", 3, 0x800, null,
            (ctx, _, args) =>
            {
                if (ctx.state is not DistinctConcat d)
                {
                    d = new DistinctConcat(raw.sqlite3_value_int64(args[2]) != 0);
                    ctx.state = d;
                }
                if (raw.sqlite3_value_type(args[0]) == raw.SQLITE_NULL)
                    return;
                d.Separator ??= raw.sqlite3_value_type(args[1]) == raw.SQLITE_NULL ? "" : raw.sqlite3_value_text(args[1]).utf8_to_string();
                d.Add(raw.sqlite3_value_blob(args[0]).ToArray());
            },
            (ctx, _) =>
            {
                if (ctx.state is not DistinctConcat { Count: > 0 } d)
                    raw.sqlite3_result_null(ctx);
                else
                    raw.sqlite3_result_text(ctx, d.ToString());
            });
        // Aggregates: population/sample variance and deviation (Welford), bit aggregates over unsigned 64 bits.
        Aggregate(db, "__bx_var_pop", () => new Moments(), (m, v) => m.Add(v), m => m.Count == 0 ? null : m.M2 / m.Count);
        Aggregate(db, "__bx_var_samp", () => new Moments(), (m, v) => m.Add(v), m => m.Count < 2 ? null : m.M2 / (m.Count - 1));
        Aggregate(db, "__bx_std_pop", () => new Moments(), (m, v) => m.Add(v), m => m.Count == 0 ? null : Math.Sqrt(m.M2 / m.Count));
        Aggregate(db, "__bx_std_samp", () => new Moments(), (m, v) => m.Add(v), m => m.Count < 2 ? null : Math.Sqrt(m.M2 / (m.Count - 1)));
        Aggregate(db, "__bx_bit_and", () => new Bits { Value = ulong.MaxValue }, (b, v) => b.Value &= v is null ? ulong.MaxValue : ToUInt64(v), b => (long)b.Value);
        Aggregate(db, "__bx_bit_or", () => new Bits(), (b, v) => b.Value |= v is null ? 0 : ToUInt64(v), b => (long)b.Value);
        Aggregate(db, "__bx_bit_xor", () => new Bits(), (b, v) => b.Value ^= v is null ? 0 : ToUInt64(v), b => (long)b.Value);

        // A scalar subquery's value: more than one row is 1242, as in MySQL (SQLite would take the first).
        raw.sqlite3_create_function(db, "__bx_one", 1, 0, state,
            (ctx, userData, args) =>
            {
                var box = ctx.state as One ?? new One();
                ctx.state = box;
                if (++box.Rows > 1)
                {
                    var error = MySqlErrors.SubqueryReturnsMoreThanOneRow();
                    ((FunctionState)userData).PendingError = error;
                    raw.sqlite3_result_error(ctx, error.Message);
                    return;
                }
                box.Value = SqliteUtil.ReadValue(args[0]);
            },
            (ctx, userData) => SqliteUtil.Result(ctx, (ctx.state as One)?.Value));

        Scalar(db, state, "__bx_regexp_like", -1, a => a.Length < 2 || a[0] is null || a[1] is null ? null : Regexp(a, 2).IsMatch(Text(a[0])) ? 1L : 0L);
        Scalar(db, state, "__bx_regexp_substr", -1, a =>
        {
            if (a.Length < 2 || a[0] is null || a[1] is null)
                return null;
            var m = Match(a, 4);
            return m is { Success: true } ? m.Value : null;
        });
        Scalar(db, state, "__bx_regexp_instr", -1, a =>
        {
            if (a.Length < 2 || a[0] is null || a[1] is null)
                return null;
            var m = Match(a, 5);
            bool after = a.Length > 4 && a[4] is not null && Num(a[4]) != 0;
            return m is { Success: true } ? (long)(m.Index + 1 + (after ? m.Length : 0)) : 0L;
        });
        Scalar(db, state, "__bx_regexp_replace", -1, a =>
        {
            if (a.Length < 3 || a[0] is null || a[1] is null || a[2] is null)
                return null;
            string s = Text(a[0]);
            int pos = a.Length > 3 && a[3] is not null ? (int)Num(a[3]) : 1;
            int occurrence = a.Length > 4 && a[4] is not null ? (int)Num(a[4]) : 0;
            var regex = Regexp(a, 5);
            if (pos < 1 || pos > s.Length + 1)
                return s;
            string head = s[..(pos - 1)], tail = s[(pos - 1)..];
            string replacement = Text(a[2]).Replace("$", "$$", StringComparison.Ordinal);
            if (occurrence == 0)
                return head + regex.Replace(tail, replacement);
            int n = 0;
            return head + regex.Replace(tail, m => ++n == occurrence ? m.Result(replacement) : m.Value);
        });
        Scalar(db, state, "__bx_conv", 3, a =>
        {
            if (a[0] is null || a[1] is null || a[2] is null)
                return null;
            int from = (int)Num(a[1]), to = (int)Num(a[2]);
            if (Math.Abs(from) is < 2 or > 36 || Math.Abs(to) is < 2 or > 36)
                return null;
            string digits = Text(a[0]).Trim().ToUpperInvariant();
            bool negative = digits.StartsWith('-');
            if (negative)
                digits = digits[1..];
            ulong value = 0;
            foreach (char c in digits)
            {
                int d = c is >= '0' and <= '9' ? c - '0' : c is >= 'A' and <= 'Z' ? c - 'A' + 10 : 99;
                if (d >= Math.Abs(from))
                    break;
                value = unchecked(value * (ulong)Math.Abs(from) + (ulong)d);
            }
            if (negative)
                value = unchecked((ulong)-(long)value);
            if (to < 0 && (long)value < 0)
                return "-" + ToBase(unchecked((ulong)-(long)value), -to);
            return ToBase(value, Math.Abs(to));
        });
        Scalar(db, state, "__bx_str_to_date", 2, a => a[0] is null || a[1] is null ? null : StrToDate(Text(a[0]), Text(a[1])));
        Scalar(db, state, "__bx_timediff", 2, a =>
        {
            if (a[0] is null || a[1] is null)
                return null;
            var x = ToSpan(a[0]!);
            var y = ToSpan(a[1]!);
            return x is null || y is null ? null : ValueCoercion.FormatTime(x.Value - y.Value);
        });
        Scalar(db, state, "__bx_addtime", 3, a =>
        {
            if (a[0] is null || a[1] is null)
                return null;
            var delta = ToSpan(a[1]!, timeOnly: true);
            if (delta is null)
                return null;
            if (Num(a[2]) < 0)
                delta = -delta;
            string text = Text(a[0]);
            if (text.Trim().Length > 10 && ParseDateTime(text, out _) is { } dt)
            {
                var r = dt + delta.Value;
                return ValueCoercion.FormatDateTime(r);
            }
            var t = ToSpan(a[0]!, timeOnly: true);
            return t is null ? null : ValueCoercion.FormatTime(t.Value + delta.Value);
        });
        Scalar(db, state, "__bx_period_diff", 2, a => a[0] is null || a[1] is null ? null : PeriodMonths((long)Num(a[0])) - PeriodMonths((long)Num(a[1])));
        Scalar(db, state, "__bx_period_add", 2, a =>
        {
            if (a[0] is null || a[1] is null)
                return null;
            long months = PeriodMonths((long)Num(a[0])) + (long)Num(a[1]);
            return months / 12 * 100 + months % 12 + 1;
        });
        Scalar(db, state, "__bx_to_signed", 2, a => a[0] is null ? null : ToInteger(a[0]!, Num(a[1]) != 0));
        // CAST(x AS BINARY(N)): exactly N bytes, cut or padded with zero bytes.
        Scalar(db, state, "__bx_binary_n", 2, a =>
        {
            if (a[0] is null)
                return null;
            byte[] bytes = a[0] as byte[] ?? System.Text.Encoding.UTF8.GetBytes(Text(a[0]!));
            var result = new byte[(int)Math.Clamp(Num(a[1]), 0, int.MaxValue)];
            bytes.AsSpan(0, Math.Min(bytes.Length, result.Length)).CopyTo(result);
            return result;
        });
        Scalar(db, state, "__bx_like_prefix", 2, a => a[0] is null ? null : TextCollation.LikePrefix(Text(a[0]), a[1] is null ? "" : Text(a[1])));
        Scalar(db, state, "__bx_like_bin", 3, a =>
        {
            if (a[0] is null || a[1] is null)
                return null;
            char escape = a[2] is null || Text(a[2]).Length == 0 ? '\0' : Text(a[2])[0];
            var regex = s_regexCache.GetOrAdd("like-bin\0" + escape + Text(a[1]), _ => LikeRegex(Text(a[1]), escape, RegexOptions.None));
            return regex.IsMatch(Text(a[0])) ? 1L : 0L;
        });
        Scalar(db, state, "__bx_yearweek", -1, a => DatePart(a, d => YearWeek(d, a.Length > 1 && a[1] is not null ? (int)Num(a[1]) : 0)));
        Scalar(db, state, "__bx_microsecond", 1, a =>
        {
            if (a[0] is null)
                return null;
            var t = ValueCoercion.ParseTime(a[0]!, 6) ?? ValueCoercion.ParseTemporal(a[0]!, dateOnly: false, 6);
            int dot = t?.LastIndexOf('.') ?? -1;
            return t is null ? null : dot < 0 ? 0L : long.Parse(t[(dot + 1)..].PadRight(6, '0')[..6], CultureInfo.InvariantCulture);
        });
        // RAND(N): MySQL's generator (my_rnd), seeded once per statement and call site for a constant N, per call otherwise.
        Scalar(db, state, "__bx_rand", 2, a =>
        {
            if (a[0] is null)
                return 0.0;
            const ulong max = 0x3FFFFFFF;
            long seed = a[0] is long l ? l : (long)Math.Round(Num(a[0]), MidpointRounding.AwayFromZero);
            long site = (long)Num(a[1]);
            uint n = unchecked((uint)seed);
            var current = (Seed1: (ulong)unchecked((uint)(n * 0x10001L + 55555555L)) % max, Seed2: (ulong)unchecked((uint)(n * 0x10000001L)) % max);
            if (site >= 0 && state.RandomStates.TryGetValue((site, seed), out var saved))
                current = saved;
            ulong seed1 = (current.Seed1 * 3 + current.Seed2) % max;
            ulong seed2 = (seed1 + current.Seed2 + 33) % max;
            if (site >= 0)
                state.RandomStates[(site, seed)] = (seed1, seed2);
            return seed1 / (double)max;
        });
        Scalar(db, state, "__bx_bit_length", 1, a => a[0] is null ? null : (long)Bytes(a[0]).Length * 8);

        // JSON, with MySQL's printing (JsonText) and functions SQLite lacks.
        Scalar(db, state, "__bx_json_out", 1, a => JsonText.Normalize(a[0]));
        Scalar(db, state, "__bx_json_type", 1, a =>
        {
            if (a[0] is null)
                return null;
            using var doc = JsonText.Parse(a[0]!, "json_type");
            return JsonText.TypeName(doc.RootElement);
        });
        Scalar(db, state, "__bx_json_length", -1, a =>
        {
            if (a.Length == 0 || a[0] is null || a.Length > 1 && a[1] is null)
                return null;
            using var doc = JsonText.Parse(a[0]!, "json_length");
            var e = a.Length > 1 ? JsonText.Find(doc.RootElement, Text(a[1]), "json_length") : doc.RootElement;
            return e is null ? null : JsonText.Length(e.Value);
        });
        Scalar(db, state, "__bx_json_keys", -1, a =>
        {
            if (a.Length == 0 || a[0] is null || a.Length > 1 && a[1] is null)
                return null;
            using var doc = JsonText.Parse(a[0]!, "json_keys");
            var e = a.Length > 1 ? JsonText.Find(doc.RootElement, Text(a[1]), "json_keys") : doc.RootElement;
            if (e is not { ValueKind: JsonValueKind.Object } obj)
                return null;
            var sb = new StringBuilder("[");
            foreach (var (key, _) in JsonText.SortedMembers(obj))
            {
                if (sb.Length > 1)
                    sb.Append(", ");
                JsonText.WriteString(key, sb);
            }
            return sb.Append(']').ToString();
        });
        Scalar(db, state, "__bx_json_contains", -1, a =>
        {
            if (a.Length < 2 || a.Take(Math.Min(a.Length, 3)).Any(v => v is null))
                return null;
            using var target = JsonText.Parse(a[0]!, "json_contains");
            using var candidate = JsonText.Parse(a[1]!, "json_contains", 2);
            var at = a.Length > 2 ? JsonText.Find(target.RootElement, Text(a[2]), "json_contains") : target.RootElement;
            return at is null ? null : JsonText.Contains(at.Value, candidate.RootElement) ? 1L : 0L;
        });
        Scalar(db, state, "__bx_json_extract", -1, a => JsonExtract(a, asJson: false));
        Scalar(db, state, "__bx_json_extract_json", -1, a => JsonExtract(a, asJson: true));
        Scalar(db, state, "__bx_json_depth", 1, a =>
        {
            if (a[0] is null)
                return null;
            using var doc = JsonText.Parse(a[0]!, "json_depth");
            return (long)JsonText.Depth(doc.RootElement);
        });
        Scalar(db, state, "__bx_json_contains_path", -1, a =>
        {
            if (a.Any(v => v is null))
                return null;
            string mode = Text(a[1]).ToLowerInvariant();
            if (mode is not ("one" or "all"))
                throw MySqlErrors.JsonOneOrAll("json_contains_path");
            using var doc = JsonText.Parse(a[0]!, "json_contains_path");
            var found = new List<JsonElement>();
            for (int i = 2; i < a.Length; i++)
            {
                found.Clear();
                JsonText.SelectAll(doc.RootElement, Text(a[i]), "json_contains_path", found);
                if (found.Count > 0 && mode == "one")
                    return 1L;
                if (found.Count == 0 && mode == "all")
                    return 0L;
            }
            return mode == "all" ? 1L : 0L;
        });
        Scalar(db, state, "__bx_json_array_append", -1, a => JsonText.ArrayAppendOrInsert(a, insert: false));
        Scalar(db, state, "__bx_json_array_insert", -1, a => JsonText.ArrayAppendOrInsert(a, insert: true));
        Scalar(db, state, "__bx_json_merge_patch", -1, a => Merge(a, "json_merge_patch", JsonText.MergePatch));
        Scalar(db, state, "__bx_json_merge_preserve", -1, a => Merge(a, "json_merge_preserve", JsonText.MergePreserve));
        Scalar(db, state, "__bx_json_search", -1, a =>
        {
            if (a.Length < 3 || a[0] is null || a[1] is null || a[2] is null)
                return null;
            string mode = Text(a[1]).ToLowerInvariant();
            if (mode is not ("one" or "all"))
                throw MySqlErrors.IncorrectArguments("json_search");
            char escape = a.Length > 3 && a[3] is not null && Text(a[3]).Length > 0 ? Text(a[3])[0] : '\\';
            var pattern = s_regexCache.GetOrAdd("like-bin\0" + escape + Text(a[2]), _ => LikeRegex(Text(a[2]), escape, RegexOptions.None));
            using var doc = JsonText.Parse(a[0]!, "json_search");
            var found = new List<string>();
            if (a.Length > 4)
            {
                for (int i = 4; i < a.Length; i++)
                {
                    if (a[i] is not null && JsonText.Find(doc.RootElement, Text(a[i]), "json_search") is { } start)
                        JsonText.Search(start, Text(a[i]).Trim(), pattern, found, mode == "all");
                }
            }
            else
            {
                JsonText.Search(doc.RootElement, "$", pattern, found, mode == "all");
            }
            if (found.Count == 0)
                return null;
            var sb = new StringBuilder();
            if (found.Count == 1 || mode == "one")
            {
                JsonText.WriteString(found[0], sb);
                return sb.ToString();
            }
            sb.Append('[');
            for (int i = 0; i < found.Count; i++)
            {
                if (i > 0)
                    sb.Append(", ");
                JsonText.WriteString(found[i], sb);
            }
            return sb.Append(']').ToString();
        });
    }

    /// <summary>
    /// JSON_EXTRACT for paths SQLite cannot read (wildcards, ranges, last, a path from a placeholder or column). One
    /// path without wildcards gives its value, else an array of every match; no match is NULL. As SQL value
    /// (<paramref name="asJson"/> false) a scalar is what SQLite's json_extract gives: a string unquoted, true 1.
    /// </summary>
    static object? JsonExtract(object?[] a, bool asJson)
    {
        if (a.Length < 2 || a.Any(v => v is null))
            return null;
        using var doc = JsonText.Parse(a[0]!, "json_extract");
        var found = new List<JsonElement>();
        bool multiple = a.Length > 2;
        for (int i = 1; i < a.Length; i++)
        {
            string path = Text(a[i]);
            multiple |= JsonText.IsMultiple(path, "json_extract");
            JsonText.SelectAll(doc.RootElement, path, "json_extract", found);
        }
        if (found.Count == 0)
            return null;
        var sb = new StringBuilder();
        if (multiple)
        {
            sb.Append('[');
            for (int i = 0; i < found.Count; i++)
            {
                if (i > 0)
                    sb.Append(", ");
                JsonText.Write(found[i], sb);
            }
            return sb.Append(']').ToString();
        }
        var e = found[0];
        if (!asJson)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String:
                    return e.GetString();
                case JsonValueKind.Number:
                    return e.TryGetInt64(out long l) ? l : e.GetDouble();
                case JsonValueKind.True:
                    return 1L;
                case JsonValueKind.False:
                    return 0L;
                case JsonValueKind.Null:
                    return null;
            }
        }
        JsonText.Write(e, sb);
        return sb.ToString();
    }

    static object? Merge(object?[] a, string function, Action<JsonElement, JsonElement, StringBuilder> merge)
    {
        if (a.Length < 2)
            throw MySqlErrors.WrongParameterCount(function);
        if (a.Any(v => v is null))
            return null;
        string current = JsonText.Normalize(a[0], function)!;
        for (int i = 1; i < a.Length; i++)
        {
            using var left = JsonDocument.Parse(current);
            using var right = JsonText.Parse(a[i]!, function, i + 1);
            var sb = new StringBuilder();
            merge(left.RootElement, right.RootElement, sb);
            current = sb.ToString();
        }
        return current;
    }

    sealed class Moments
    {
        public long Count;
        public double Mean;
        public double M2;

        public void Add(object? v)
        {
            if (v is null)
                return;
            double x = Num(v);
            Count++;
            double delta = x - Mean;
            Mean += delta / Count;
            M2 += delta * (x - Mean);
        }
    }

    sealed class Bits
    {
        public ulong Value;
    }

    sealed class One
    {
        public int Rows;
        public object? Value;
    }

    static ulong ToUInt64(object v) => v switch
    {
        long l => unchecked((ulong)l),
        double d => d <= 0 ? 0 : d >= ulong.MaxValue ? ulong.MaxValue : (ulong)Math.Round(d, MidpointRounding.AwayFromZero),
        _ => ToUInt64(Num(v)),
    };

    /// <summary>The state of <c>__bx_group_concat_distinct</c>: the distinct values in arrival order.</summary>
    sealed class DistinctConcat(bool fold)
    {
        readonly List<byte[]> _values = [];
        readonly SortedSet<byte[]> _seen = new(Comparer<byte[]>.Create((a, b) => fold ? TextCollation.Compare(a, b) : a.AsSpan().SequenceCompareTo(b)));

        public string? Separator { get; set; }

        public int Count => _values.Count;

        public void Add(byte[] value)
        {
            if (_seen.Add(value))
                _values.Add(value);
        }

        public override string ToString() => string.Join(Separator, _values.Select(v => System.Text.Encoding.UTF8.GetString(v)));
    }

    static void Aggregate<T>(sqlite3 db, string name, Func<T> create, Action<T, object?> step, Func<T, object?> final)
        where T : class
    {
        raw.sqlite3_create_function(db, name, 1, 0x800, null,
            (ctx, _, args) =>
            {
                if (ctx.state is not T s)
                {
                    s = create();
                    ctx.state = s;
                }
                step(s, SqliteUtil.ReadValue(args[0]));
            },
            (ctx, _) => SqliteUtil.Result(ctx, final(ctx.state as T ?? create())));
    }

    /// <summary>A REGEXP_* pattern with its match_type argument (c: case-sensitive, i: insensitive, m, n).</summary>
    static Regex Regexp(object?[] a, int matchTypeIndex)
    {
        string pattern = Text(a[1]);
        string matchType = a.Length > matchTypeIndex && a[matchTypeIndex] is not null ? Text(a[matchTypeIndex]) : "";
        var options = RegexOptions.CultureInvariant | RegexOptions.IgnoreCase;
        foreach (char c in matchType)
        {
            options = c switch
            {
                'c' => options & ~RegexOptions.IgnoreCase,
                'i' => options | RegexOptions.IgnoreCase,
                'm' => options | RegexOptions.Multiline,
                'n' => options | RegexOptions.Singleline,
                _ => throw MySqlErrors.IncorrectArguments("regexp"),
            };
        }
        return s_regexCache.GetOrAdd(((int)options).ToString(CultureInfo.InvariantCulture) + "\0" + pattern,
            _ => new Regex(pattern, options, TimeSpan.FromSeconds(5)));
    }

    /// <summary>REGEXP_SUBSTR/INSTR(expr, pat[, pos[, occurrence[, ...]]]): the occurrence-th match at or after pos.</summary>
    static System.Text.RegularExpressions.Match? Match(object?[] a, int matchTypeIndex)
    {
        string s = Text(a[0]);
        int pos = a.Length > 2 && a[2] is not null ? (int)Num(a[2]) : 1;
        int occurrence = a.Length > 3 && a[3] is not null ? Math.Max(1, (int)Num(a[3])) : 1;
        if (pos < 1 || pos > s.Length + 1)
            return null;
        var m = Regexp(a, matchTypeIndex).Match(s, pos - 1);
        for (int i = 1; i < occurrence && m.Success; i++)
            m = m.NextMatch();
        return m;
    }

    /// <summary>A LIKE pattern as an anchored regex (% any run, _ one character, escape before a literal).</summary>
    internal static Regex LikeRegex(string pattern, char escape, RegexOptions options)
    {
        var sb = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == escape && escape != '\0' && i + 1 < pattern.Length)
                sb.Append(Regex.Escape(pattern[++i].ToString()));
            else if (c == '%')
                sb.Append(".*");
            else if (c == '_')
                sb.Append('.');
            else
                sb.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(sb.Append('$').ToString(), options | RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
    }

    static string ToBase(ulong value, int radix)
    {
        if (value == 0)
            return "0";
        var sb = new StringBuilder();
        while (value > 0)
        {
            int d = (int)(value % (ulong)radix);
            sb.Insert(0, (char)(d < 10 ? '0' + d : 'A' + d - 10));
            value /= (ulong)radix;
        }
        return sb.ToString();
    }

    static long PeriodMonths(long period)
    {
        long year = period / 100, month = period % 100;
        if (year < 70)
            year += 2000;
        else if (year < 100)
            year += 1900;
        return year * 12 + month - 1;
    }

    /// <summary>CAST(x AS SIGNED/UNSIGNED): numbers round half away from zero, strings take their integer prefix.</summary>
    static object ToInteger(object v, bool unsigned)
    {
        long result = v switch
        {
            long l => l,
            double d => d >= 9.2233720368547758E18 ? (unsigned && d < 1.8446744073709552E19 ? unchecked((long)(ulong)Math.Round(d)) : long.MaxValue)
                : d <= -9.2233720368547758E18 ? long.MinValue : (long)Math.Round(d, MidpointRounding.AwayFromZero),
            _ => IntegerPrefix(Text(v)),
        };
        return result;
    }

    static long IntegerPrefix(string s)
    {
        s = s.TrimStart();
        int i = 0;
        if (i < s.Length && s[i] is '+' or '-')
            i++;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
            i++;
        return long.TryParse(s.AsSpan(0, i), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) ? n
            : i > 1 || i == 1 && char.IsAsciiDigit(s[0]) ? (s[0] == '-' ? long.MinValue : long.MaxValue) : 0;
    }

    /// <summary>A TIME or DATETIME value as a span (DATETIME from 0001-01-01), for TIMEDIFF and ADDTIME.</summary>
    static TimeSpan? ToSpan(object v, bool timeOnly = false)
    {
        string text = Text(v).Trim();
        if (!timeOnly && text.Length > 10 && ParseDateTime(text, out _) is { } dt)
            return dt - DateTime.MinValue;
        var t = ValueCoercion.ParseTime(v, 6);
        if (t is null)
            return null;
        bool negative = t.StartsWith('-');
        var parts = t.TrimStart('-').Split(':');
        var span = new TimeSpan(0, int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), 0)
            + TimeSpan.FromTicks((long)Math.Round(double.Parse(parts[2], CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));
        return negative ? -span : span;
    }

    /// <summary>STR_TO_DATE with MySQL's format specifiers: a DATE, DATETIME or TIME text as the format's parts say, or NULL.</summary>
    static string? StrToDate(string s, string format)
    {
        int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micro = 0;
        bool pm = false, twelve = false, hasDate = false, hasTime = false;
        int p = 0;
        for (int i = 0; i < format.Length; i++)
        {
            char f = format[i];
            if (f != '%' || i + 1 >= format.Length)
            {
                if (char.IsWhiteSpace(f))
                {
                    while (p < s.Length && char.IsWhiteSpace(s[p]))
                        p++;
                    continue;
                }
                if (p >= s.Length || s[p] != f)
                    return null;
                p++;
                continue;
            }
            char spec = format[++i];
            switch (spec)
            {
                case 'Y':
                    if (!Digits(s, ref p, 4, out year))
                        return null;
                    hasDate = true;
                    break;
                case 'y':
                    if (!Digits(s, ref p, 2, out year))
                        return null;
                    year += year < 70 ? 2000 : 1900;
                    hasDate = true;
                    break;
                case 'm' or 'c':
                    if (!Digits(s, ref p, 2, out month))
                        return null;
                    hasDate = true;
                    break;
                case 'd' or 'e':
                    if (!Digits(s, ref p, 2, out day))
                        return null;
                    hasDate = true;
                    break;
                case 'H' or 'k':
                    if (!Digits(s, ref p, 2, out hour))
                        return null;
                    hasTime = true;
                    break;
                case 'h' or 'I' or 'l':
                    if (!Digits(s, ref p, 2, out hour))
                        return null;
                    twelve = true;
                    hasTime = true;
                    break;
                case 'i':
                    if (!Digits(s, ref p, 2, out minute))
                        return null;
                    hasTime = true;
                    break;
                case 's' or 'S':
                    if (!Digits(s, ref p, 2, out second))
                        return null;
                    hasTime = true;
                    break;
                case 'f':
                    {
                        int start = p;
                        if (!Digits(s, ref p, 6, out micro))
                            return null;
                        for (int k = p - start; k < 6; k++)
                            micro *= 10;
                        hasTime = true;
                        break;
                    }
                case 'p':
                    if (p + 2 > s.Length)
                        return null;
                    string ampm = s.Substring(p, 2).ToUpperInvariant();
                    if (ampm is not ("AM" or "PM"))
                        return null;
                    pm = ampm == "PM";
                    p += 2;
                    break;
                case 'M' or 'b':
                    {
                        var names = spec == 'M' ? CultureInfo.InvariantCulture.DateTimeFormat.MonthNames : CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames;
                        int found = -1;
                        for (int k = 0; k < 12; k++)
                        {
                            if (names[k].Length > 0 && string.Compare(s, p, names[k], 0, names[k].Length, StringComparison.OrdinalIgnoreCase) == 0)
                            {
                                found = k;
                                p += names[k].Length;
                                break;
                            }
                        }
                        if (found < 0)
                            return null;
                        month = found + 1;
                        hasDate = true;
                        break;
                    }
                case 'T':
                    {
                        var t = StrToDate(s[p..], "%H:%i:%s");
                        if (t is null)
                            return null;
                        var parts = t.Split(':');
                        hour = int.Parse(parts[0], CultureInfo.InvariantCulture);
                        minute = int.Parse(parts[1], CultureInfo.InvariantCulture);
                        second = int.Parse(parts[2], CultureInfo.InvariantCulture);
                        p += 8;
                        hasTime = true;
                        break;
                    }
                case '%':
                    if (p >= s.Length || s[p] != '%')
                        return null;
                    p++;
                    break;
                default:
                    return null;
            }
        }
        if (twelve)
        {
            if (hour is < 1 or > 12)
                return null;
            hour = hour % 12 + (pm ? 12 : 0);
        }
        if (hour > 23 || minute > 59 || second > 59 || month > 12 || day > 31)
            return null;
        if (hasDate && month > 0 && day > 0 && day > DateTime.DaysInMonth(Math.Max(1, year), month))
            return null;
        string date = $"{year:0000}-{month:00}-{day:00}";
        string time = $"{hour:00}:{minute:00}:{second:00}" + (micro > 0 ? "." + micro.ToString("000000", CultureInfo.InvariantCulture) : "");
        return hasDate && hasTime ? date + " " + time : hasDate ? date : time;
    }

    static bool Digits(string s, ref int p, int max, out int value)
    {
        value = 0;
        int start = p;
        while (p < s.Length && p - start < max && char.IsAsciiDigit(s[p]))
            value = value * 10 + (s[p++] - '0');
        return p > start;
    }

    /// <summary>The kind of value STR_TO_DATE returns for a format: DATE, DATETIME or TIME.</summary>
    internal static string StrToDateKind(string format)
    {
        bool date = false, time = false;
        for (int i = 0; i + 1 < format.Length; i++)
        {
            if (format[i] != '%')
                continue;
            char c = format[++i];
            if (c is 'Y' or 'y' or 'm' or 'c' or 'd' or 'e' or 'M' or 'b' or 'D' or 'j')
                date = true;
            else if (c is 'H' or 'k' or 'h' or 'I' or 'l' or 'i' or 's' or 'S' or 'f' or 'p' or 'T' or 'r')
                time = true;
        }
        return date && time ? "datetime" : date ? "date" : time ? "time" : "datetime";
    }

    /// <summary>MySQL's WEEK(date, mode) (calc_week with week_mode).</summary>
    static long Week(DateTime d, int mode) => Week(d, mode, yearWeek: false, out _);

    /// <summary>YEARWEEK(date, mode): the year of the week times 100 plus the week.</summary>
    static long YearWeek(DateTime d, int mode)
    {
        long week = Week(d, mode, yearWeek: true, out int year);
        return year * 100L + week;
    }

    static long Week(DateTime d, int mode, bool yearWeek, out int year)
    {
        const int mondayFirst = 1, weekYear = 2, firstWeekday = 4;
        int behaviour = mode & 7;
        if ((behaviour & mondayFirst) == 0)
            behaviour ^= firstWeekday;
        if (yearWeek)
            behaviour |= weekYear;
        bool monday = (behaviour & mondayFirst) != 0;
        bool wy = (behaviour & weekYear) != 0;
        bool fw = (behaviour & firstWeekday) != 0;
        year = d.Year;
        long daynr = d.Date.Ticks / TimeSpan.TicksPerDay;
        long firstDaynr = new DateTime(year, 1, 1).Ticks / TimeSpan.TicksPerDay;
        int Weekday(long dn) => monday ? (int)((dn % 7 + 7) % 7) : (int)((dn + 1) % 7);
        int weekday = Weekday(firstDaynr);
        if (d.Month == 1 && d.Day <= 7 - weekday)
        {
            if (!wy && (fw && weekday != 0 || !fw && weekday >= 4))
                return 0;
            wy = true;
            year--;
            int daysInYear = DateTime.IsLeapYear(year) ? 366 : 365;
            firstDaynr -= daysInYear;
            weekday = (weekday + 53 * 7 - daysInYear) % 7;
        }
        long days = fw && weekday != 0 || !fw && weekday >= 4 ? daynr - (firstDaynr + (7 - weekday)) : daynr - (firstDaynr - weekday);
        if (wy && days >= 52 * 7)
        {
            weekday = (weekday + (DateTime.IsLeapYear(year) ? 366 : 365)) % 7;
            if (!fw && weekday < 4 || fw && weekday == 0)
            {
                year++;
                return 1;
            }
        }
        return days / 7 + 1;
    }
}
