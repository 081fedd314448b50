using System.Globalization;
using System.Text;
using System.Text.Json;
using Borealis.Sql.Errors;

namespace Borealis.Sql.Execution;

/// <summary>
/// JSON as MySQL 8.0 shows and compares it: documents printed with one space after ',' and ':', object keys sorted
/// (by length, then bytes; a repeated key keeps its last value), and the JSON functions SQLite lacks
/// (JSON_CONTAINS, JSON_SEARCH, JSON_MERGE_PATCH / PRESERVE, JSON_LENGTH, JSON_TYPE, JSON_KEYS).
/// </summary>
internal static class JsonText
{
    static readonly JsonDocumentOptions s_options = new() { MaxDepth = 100 };

    /// <summary>The document in MySQL's printed form, or null for SQL NULL. Throws 3141 on text that is not JSON.</summary>
    public static string? Normalize(object? value, string function = "json")
    {
        if (value is null)
            return null;
        using var doc = Parse(value, function);
        var sb = new StringBuilder();
        Write(doc.RootElement, sb);
        return sb.ToString();
    }

    public static JsonDocument Parse(object value, string function, int argument = 1)
    {
        string text = value is byte[] b ? Encoding.UTF8.GetString(b) : ValueCoercion.ToText(value);
        try
        {
            return JsonDocument.Parse(text, s_options);
        }
        catch (JsonException ex)
        {
            throw MySqlErrors.InvalidJsonArgument(argument, function, ex.Message.Split('.')[0]);
        }
    }

    public static void Write(JsonElement e, StringBuilder sb)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                {
                    sb.Append('{');
                    bool first = true;
                    foreach (var (key, value) in SortedMembers(e))
                    {
                        if (!first)
                            sb.Append(", ");
                        first = false;
                        WriteString(key, sb);
                        sb.Append(": ");
                        Write(value, sb);
                    }
                    sb.Append('}');
                    return;
                }
            case JsonValueKind.Array:
                {
                    sb.Append('[');
                    bool first = true;
                    foreach (var item in e.EnumerateArray())
                    {
                        if (!first)
                            sb.Append(", ");
                        first = false;
                        Write(item, sb);
                    }
                    sb.Append(']');
                    return;
                }
            case JsonValueKind.String:
                WriteString(e.GetString()!, sb);
                return;
            case JsonValueKind.Number:
                sb.Append(NumberText(e));
                return;
            case JsonValueKind.True:
                sb.Append("true");
                return;
            case JsonValueKind.False:
                sb.Append("false");
                return;
            default:
                sb.Append("null");
                return;
        }
    }

    /// <summary>An object's members as MySQL keeps them: the last of repeated keys, sorted by UTF-8 length then bytes.</summary>
    public static List<(string Key, JsonElement Value)> SortedMembers(JsonElement obj)
    {
        var members = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
            members[p.Name] = p.Value;
        var list = members.Select(kv => (kv.Key, kv.Value)).ToList();
        list.Sort((a, b) => CompareKeys(a.Key, b.Key));
        return list;
    }

    static int CompareKeys(string a, string b)
    {
        int la = Encoding.UTF8.GetByteCount(a), lb = Encoding.UTF8.GetByteCount(b);
        return la != lb ? la.CompareTo(lb) : Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));
    }

    static string NumberText(JsonElement e)
    {
        string raw = e.GetRawText();
        if (raw.IndexOfAny(['.', 'e', 'E']) < 0 && (e.TryGetInt64(out _) || e.TryGetUInt64(out _)))
            return raw;
        double d = e.GetDouble();
        string s = d.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E', StringComparison.Ordinal))
        {
            // MySQL's exponent style: 1e20, 1.5e-7.
            var parts = s.Split('E');
            return parts[0] + "e" + int.Parse(parts[1], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        }
        return s.Contains('.', StringComparison.Ordinal) ? s : s + ".0";
    }

    public static void WriteString(string s, StringBuilder sb)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                default:
                    if (c < 0x20)
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>The element at a simple MySQL path ($, .key, ."key", [n], [last]), or null when absent.</summary>
    public static JsonElement? Find(JsonElement root, string path, string function)
    {
        var current = root;
        int i = 0;
        path = path.Trim();
        if (path.Length == 0 || path[0] != '$')
            throw MySqlErrors.InvalidJsonPath(path, function);
        i = 1;
        while (i < path.Length)
        {
            char c = path[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '.')
            {
                i++;
                string key;
                if (i < path.Length && path[i] == '"')
                {
                    int end = path.IndexOf('"', i + 1);
                    if (end < 0)
                        throw MySqlErrors.InvalidJsonPath(path, function);
                    key = path[(i + 1)..end];
                    i = end + 1;
                }
                else
                {
                    int start = i;
                    while (i < path.Length && path[i] != '.' && path[i] != '[')
                        i++;
                    key = path[start..i].Trim();
                    if (key.Length == 0 || key.Contains('*', StringComparison.Ordinal))
                        throw MySqlErrors.NotSupportedYet("JSON path wildcards");
                }
                if (current.ValueKind != JsonValueKind.Object)
                    return null;
                JsonElement? found = null;
                foreach (var p in current.EnumerateObject())
                {
                    if (p.Name == key)
                        found = p.Value;
                }
                if (found is null)
                    return null;
                current = found.Value;
            }
            else if (c == '[')
            {
                int end = path.IndexOf(']', i);
                if (end < 0)
                    throw MySqlErrors.InvalidJsonPath(path, function);
                string index = path[(i + 1)..end].Trim();
                i = end + 1;
                if (index == "*")
                    throw MySqlErrors.NotSupportedYet("JSON path wildcards");
                if (current.ValueKind != JsonValueKind.Array)
                {
                    // MySQL: a non-array is an array of one for [0].
                    if (index is "0" or "last")
                        continue;
                    return null;
                }
                int length = current.GetArrayLength();
                int n = index == "last" ? length - 1
                    : index.StartsWith("last", StringComparison.Ordinal) && index[4..].Trim() is var rest && rest.StartsWith('-')
                        ? length - 1 - int.Parse(rest[1..].Trim(), CultureInfo.InvariantCulture)
                    : int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int k) ? k : throw MySqlErrors.InvalidJsonPath(path, function);
                if (n < 0 || n >= length)
                    return null;
                current = current[n];
            }
            else if (c == '*')
            {
                throw MySqlErrors.NotSupportedYet("JSON path wildcards");
            }
            else
            {
                throw MySqlErrors.InvalidJsonPath(path, function);
            }
        }
        return current;
    }

    /// <summary>JSON_TYPE's names.</summary>
    public static string TypeName(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "OBJECT",
        JsonValueKind.Array => "ARRAY",
        JsonValueKind.String => "STRING",
        JsonValueKind.True or JsonValueKind.False => "BOOLEAN",
        JsonValueKind.Number => e.GetRawText().IndexOfAny(['.', 'e', 'E']) < 0 && (e.TryGetInt64(out _) || e.TryGetUInt64(out _))
            ? (e.TryGetInt64(out _) ? "INTEGER" : "UNSIGNED INTEGER") : "DOUBLE",
        _ => "NULL",
    };

    /// <summary>JSON_LENGTH: members of an object, elements of an array, 1 for a scalar.</summary>
    public static long Length(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => SortedMembers(e).Count,
        JsonValueKind.Array => e.GetArrayLength(),
        _ => 1,
    };

    /// <summary>JSON_CONTAINS: MySQL's containment rules.</summary>
    public static bool Contains(JsonElement target, JsonElement candidate)
    {
        if (target.ValueKind == JsonValueKind.Array)
        {
            if (candidate.ValueKind == JsonValueKind.Array)
                return candidate.EnumerateArray().All(c => target.EnumerateArray().Any(t => Contains(t, c)));
            return target.EnumerateArray().Any(t => Contains(t, candidate));
        }
        if (target.ValueKind == JsonValueKind.Object)
        {
            if (candidate.ValueKind != JsonValueKind.Object)
                return false;
            var members = SortedMembers(target).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
            return SortedMembers(candidate).All(c => members.TryGetValue(c.Key, out var t) && Contains(t, c.Value));
        }
        return ScalarEquals(target, candidate);
    }

    static bool ScalarEquals(JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number)
            return a.GetDouble() == b.GetDouble();
        if (a.ValueKind != b.ValueKind)
            return false;
        return a.ValueKind switch
        {
            JsonValueKind.String => a.GetString() == b.GetString(),
            JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => true,
            _ => false,
        };
    }

    /// <summary>JSON_MERGE_PATCH (RFC 7396) of two documents, written in MySQL's form.</summary>
    public static void MergePatch(JsonElement target, JsonElement patch, StringBuilder sb)
    {
        if (patch.ValueKind != JsonValueKind.Object)
        {
            Write(patch, sb);
            return;
        }
        var result = new List<(string Key, Action<StringBuilder> Write)>();
        var patchMembers = SortedMembers(patch).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        if (target.ValueKind == JsonValueKind.Object)
        {
            foreach (var (key, value) in SortedMembers(target))
            {
                if (!patchMembers.TryGetValue(key, out var p))
                    result.Add((key, s => Write(value, s)));
                else if (p.ValueKind != JsonValueKind.Null)
                    result.Add((key, s => MergePatch(value, p, s)));
                patchMembers.Remove(key);
            }
        }
        foreach (var (key, value) in patchMembers)
        {
            if (value.ValueKind != JsonValueKind.Null)
                result.Add((key, s => MergePatch(default, value, s)));
        }
        result.Sort((a, b) => CompareKeys(a.Key, b.Key));
        sb.Append('{');
        for (int i = 0; i < result.Count; i++)
        {
            if (i > 0)
                sb.Append(", ");
            WriteString(result[i].Key, sb);
            sb.Append(": ");
            result[i].Write(sb);
        }
        sb.Append('}');
    }

    /// <summary>JSON_MERGE_PRESERVE of two documents: arrays concatenated, objects merged, scalars wrapped in arrays.</summary>
    public static void MergePreserve(JsonElement a, JsonElement b, StringBuilder sb)
    {
        if (a.ValueKind == JsonValueKind.Object && b.ValueKind == JsonValueKind.Object)
        {
            var left = SortedMembers(a).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
            var right = SortedMembers(b).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
            var keys = left.Keys.Union(right.Keys).ToList();
            keys.Sort(CompareKeys);
            sb.Append('{');
            for (int i = 0; i < keys.Count; i++)
            {
                if (i > 0)
                    sb.Append(", ");
                WriteString(keys[i], sb);
                sb.Append(": ");
                bool l = left.TryGetValue(keys[i], out var lv), r = right.TryGetValue(keys[i], out var rv);
                if (l && r)
                    MergePreserve(lv, rv, sb);
                else
                    Write(l ? lv : rv, sb);
            }
            sb.Append('}');
            return;
        }
        var items = new List<JsonElement>();
        foreach (var side in new[] { a, b })
        {
            if (side.ValueKind == JsonValueKind.Array)
                items.AddRange(side.EnumerateArray());
            else
                items.Add(side);
        }
        sb.Append('[');
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0)
                sb.Append(", ");
            Write(items[i], sb);
        }
        sb.Append(']');
    }

    /// <summary>JSON_SEARCH: the paths of string values matching a LIKE pattern, in document order.</summary>
    public static void Search(JsonElement e, string path, System.Text.RegularExpressions.Regex pattern, List<string> found, bool all)
    {
        if (!all && found.Count > 0)
            return;
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                if (pattern.IsMatch(e.GetString()!))
                    found.Add(path);
                return;
            case JsonValueKind.Array:
                {
                    int i = 0;
                    foreach (var item in e.EnumerateArray())
                        Search(item, $"{path}[{i++}]", pattern, found, all);
                    return;
                }
            case JsonValueKind.Object:
                foreach (var (key, value) in SortedMembers(e))
                    Search(value, path + "." + PathKey(key), pattern, found, all);
                return;
        }
    }

    static string PathKey(string key) =>
        key.Length > 0 && (char.IsLetter(key[0]) || key[0] == '_' || key[0] == '$') && key.All(c => char.IsLetterOrDigit(c) || c is '_' or '$')
            ? key : "\"" + key.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
