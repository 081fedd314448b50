using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    /// <summary>JSON_PRETTY's form: each member and element on a line of its own, indented by two spaces a level.</summary>
    public static void WritePretty(JsonElement e, StringBuilder sb, int depth)
    {
        bool isObject = e.ValueKind == JsonValueKind.Object;
        if (!isObject && e.ValueKind != JsonValueKind.Array)
        {
            Write(e, sb);
            return;
        }
        var items = isObject ? SortedMembers(e) : e.EnumerateArray().Select(v => ((string)null!, v)).ToList();
        if (items.Count == 0)
        {
            sb.Append(isObject ? "{}" : "[]");
            return;
        }
        sb.Append(isObject ? '{' : '[');
        for (int i = 0; i < items.Count; i++)
        {
            sb.Append(i == 0 ? "\n" : ",\n").Append(' ', 2 * (depth + 1));
            if (isObject)
            {
                WriteString(items[i].Item1, sb);
                sb.Append(": ");
            }
            WritePretty(items[i].Item2, sb, depth + 1);
        }
        sb.Append('\n').Append(' ', 2 * depth).Append(isObject ? '}' : ']');
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

    /// <summary>
    /// The element at a MySQL path without wildcards or ranges ($, .key, ."key", [n], [last], [last-n]), or null when
    /// absent; a wildcard or a range is 3149 here (JSON_LENGTH, JSON_KEYS, JSON_CONTAINS, JSON_ARRAY_APPEND …).
    /// </summary>
    public static JsonElement? Find(JsonElement root, string path, string function)
    {
        var legs = ParsePath(path, function);
        if (legs.Any(l => l.IsWildcard))
            throw MySqlErrors.JsonPathWildcard();
        var found = new List<JsonElement>();
        Select(root, legs, 0, found);
        return found.Count > 0 ? found[0] : null;
    }

    /// <summary>True when <paramref name="path"/> has a wildcard (*, **) or an array range: it may match many values.</summary>
    public static bool IsMultiple(string path, string function) => ParsePath(path, function).Any(l => l.IsWildcard);

    /// <summary>Every element <paramref name="path"/> matches (MySQL's wildcards and ranges included), in document order.</summary>
    public static void SelectAll(JsonElement root, string path, string function, List<JsonElement> found) =>
        Select(root, ParsePath(path, function), 0, found);

    /// <summary>One step of a path: a member (or every member: Key null), an array range (or every element), or **.</summary>
    readonly record struct PathLeg(PathLegKind Kind, string? Key = null, ArrayBound From = default, ArrayBound To = default)
    {
        public bool IsWildcard => Kind is PathLegKind.AnyMember or PathLegKind.AnyElement or PathLegKind.Descendants
            || (Kind == PathLegKind.Elements && !From.Equals(To));
    }

    enum PathLegKind { Member, AnyMember, Elements, AnyElement, Descendants }

    /// <summary>An array position: n, or last − n.</summary>
    readonly record struct ArrayBound(int Offset, bool FromLast)
    {
        public int Resolve(int length) => FromLast ? length - 1 - Offset : Offset;
    }

    static List<PathLeg> ParsePath(string path, string function)
    {
        var legs = new List<PathLeg>();
        string text = path.Trim();
        if (text.Length == 0 || text[0] != '$')
            throw MySqlErrors.InvalidJsonPath(path, function);
        int i = 1;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '.')
            {
                i++;
                while (i < text.Length && char.IsWhiteSpace(text[i]))
                    i++;
                if (i < text.Length && text[i] == '"')
                {
                    int end = text.IndexOf('"', i + 1);
                    if (end < 0)
                        throw MySqlErrors.InvalidJsonPath(path, function);
                    legs.Add(new PathLeg(PathLegKind.Member, text[(i + 1)..end]));
                    i = end + 1;
                }
                else if (i < text.Length && text[i] == '*')
                {
                    legs.Add(new PathLeg(PathLegKind.AnyMember));
                    i++;
                }
                else
                {
                    int start = i;
                    while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '$'))
                        i++;
                    if (i == start)
                        throw MySqlErrors.InvalidJsonPath(path, function);
                    legs.Add(new PathLeg(PathLegKind.Member, text[start..i]));
                }
            }
            else if (c == '[')
            {
                int end = text.IndexOf(']', i);
                if (end < 0)
                    throw MySqlErrors.InvalidJsonPath(path, function);
                string index = text[(i + 1)..end].Trim();
                i = end + 1;
                if (index == "*")
                {
                    legs.Add(new PathLeg(PathLegKind.AnyElement));
                    continue;
                }
                int to = index.IndexOf(" to ", StringComparison.OrdinalIgnoreCase);
                var from = ParseBound(to < 0 ? index : index[..to], path, function);
                var last = to < 0 ? from : ParseBound(index[(to + 4)..], path, function);
                legs.Add(new PathLeg(PathLegKind.Elements, From: from, To: last));
            }
            else if (c == '*' && i + 1 < text.Length && text[i + 1] == '*')
            {
                legs.Add(new PathLeg(PathLegKind.Descendants));
                i += 2;
            }
            else
            {
                throw MySqlErrors.InvalidJsonPath(path, function);
            }
        }
        // MySQL: a path may not end with **, nor have *** .
        if (legs.Count > 0 && legs[^1].Kind == PathLegKind.Descendants)
            throw MySqlErrors.InvalidJsonPath(path, function);
        return legs;
    }

    static ArrayBound ParseBound(string text, string path, string function)
    {
        text = text.Trim();
        if (text.StartsWith("last", StringComparison.OrdinalIgnoreCase))
        {
            string rest = text[4..].Trim();
            if (rest.Length == 0)
                return new ArrayBound(0, FromLast: true);
            if (rest[0] == '-' && int.TryParse(rest[1..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int back))
                return new ArrayBound(back, FromLast: true);
            throw MySqlErrors.InvalidJsonPath(path, function);
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? new ArrayBound(n, FromLast: false)
            : throw MySqlErrors.InvalidJsonPath(path, function);
    }

    static void Select(JsonElement e, List<PathLeg> legs, int leg, List<JsonElement> found)
    {
        if (leg == legs.Count)
        {
            found.Add(e);
            return;
        }
        var l = legs[leg];
        switch (l.Kind)
        {
            case PathLegKind.Member when e.ValueKind == JsonValueKind.Object:
                {
                    // A repeated key: the last one counts, as MySQL keeps it.
                    JsonElement? value = null;
                    foreach (var p in e.EnumerateObject())
                    {
                        if (p.Name == l.Key)
                            value = p.Value;
                    }
                    if (value is { } v)
                        Select(v, legs, leg + 1, found);
                    return;
                }
            case PathLegKind.AnyMember when e.ValueKind == JsonValueKind.Object:
                foreach (var (_, value) in SortedMembers(e))
                    Select(value, legs, leg + 1, found);
                return;
            case PathLegKind.AnyElement when e.ValueKind == JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                    Select(item, legs, leg + 1, found);
                return;
            case PathLegKind.Elements:
                {
                    // MySQL: a value that is not an array is an array of one element.
                    int length = e.ValueKind == JsonValueKind.Array ? e.GetArrayLength() : 1;
                    int from = Math.Max(0, l.From.Resolve(length));
                    int to = Math.Min(length - 1, l.To.Resolve(length));
                    for (int k = from; k <= to; k++)
                        Select(e.ValueKind == JsonValueKind.Array ? e[k] : e, legs, leg + 1, found);
                    return;
                }
            case PathLegKind.Descendants:
                // ** then a leg: that leg at this value and at every value below it, in document order.
                Select(e, legs, leg + 1, found);
                if (e.ValueKind == JsonValueKind.Object)
                {
                    foreach (var (_, value) in SortedMembers(e))
                        Select(value, legs, leg, found);
                }
                else if (e.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in e.EnumerateArray())
                        Select(item, legs, leg, found);
                }
                return;
        }
    }

    /// <summary>JSON_DEPTH: 1 for a scalar or an empty array or object, else one more than its deepest value.</summary>
    public static int Depth(JsonElement e)
    {
        int deepest = 0;
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject())
                deepest = Math.Max(deepest, Depth(p.Value));
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
                deepest = Math.Max(deepest, Depth(item));
        }
        return deepest + 1;
    }

    /// <summary>
    /// JSON_ARRAY_APPEND / JSON_ARRAY_INSERT over (document, then path, value, value-is-JSON triples), applied left to
    /// right. Append adds to the array at the path (a non-array there becomes an array of it and the value); insert
    /// puts the value at the array position the path ends with (past the end: appended). A path that matches nothing
    /// changes nothing; wildcards are 3149. Returns the document as JSON text, or NULL if an argument is NULL.
    /// </summary>
    public static object? ArrayAppendOrInsert(object?[] a, bool insert)
    {
        string function = insert ? "json_array_insert" : "json_array_append";
        if (a.Length < 4 || a[0] is null)
            return null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(a[0] is byte[] b ? Encoding.UTF8.GetString(b) : ValueCoercion.ToText(a[0]!), documentOptions: s_options);
        }
        catch (JsonException ex)
        {
            throw MySqlErrors.InvalidJsonArgument(1, function, ex.Message.Split('.')[0]);
        }
        for (int i = 1; i + 2 < a.Length; i += 3)
        {
            if (a[i] is null)
                return null;
            string path = ValueCoercion.ToText(a[i]!);
            var legs = ParsePath(path, function);
            if (legs.Any(l => l.IsWildcard))
                throw MySqlErrors.JsonPathWildcard();
            var value = ToNode(a[i + 1], a[i + 2] is long kind && kind == 1, function, (i / 3) + 2);
            if (insert)
            {
                if (legs.Count == 0 || legs[^1].Kind != PathLegKind.Elements)
                    throw MySqlErrors.JsonPathNotArrayCell();
                if (Locate(root, legs, legs.Count - 1) is JsonArray array)
                {
                    int at = Math.Clamp(legs[^1].From.Resolve(array.Count), 0, array.Count);
                    array.Insert(at, value);
                }
                continue;
            }
            var target = Locate(root, legs, legs.Count);
            if (target is JsonArray targetArray)
            {
                targetArray.Add(value);
            }
            else if (legs.Count == 0)
            {
                root = new JsonArray(root?.DeepClone(), value);
            }
            else if (target is not null || Exists(root, legs))
            {
                var wrapped = new JsonArray(target?.DeepClone(), value);
                switch (target?.Parent ?? Locate(root, legs, legs.Count - 1))
                {
                    case JsonObject obj:
                        obj[legs[^1].Key!] = wrapped;
                        break;
                    case JsonArray arr:
                        arr[legs[^1].From.Resolve(arr.Count)] = wrapped;
                        break;
                }
            }
        }
        var sb = new StringBuilder();
        using var doc = JsonDocument.Parse(root?.ToJsonString() ?? "null", s_options);
        Write(doc.RootElement, sb);
        return sb.ToString();
    }

    static JsonNode? ToNode(object? value, bool isJson, string function, int argument)
    {
        if (isJson && value is not null)
        {
            try
            {
                return JsonNode.Parse(ValueCoercion.ToText(value), documentOptions: s_options);
            }
            catch (JsonException ex)
            {
                throw MySqlErrors.InvalidJsonArgument(argument, function, ex.Message.Split('.')[0]);
            }
        }
        return value switch
        {
            null => null,
            long l => JsonValue.Create(l),
            double d => JsonValue.Create(d),
            byte[] bytes => JsonValue.Create(Encoding.UTF8.GetString(bytes)),
            _ => JsonValue.Create(ValueCoercion.ToText(value)),
        };
    }

    /// <summary>The node after the first <paramref name="count"/> legs (no wildcards), or null when absent or JSON null.</summary>
    static JsonNode? Locate(JsonNode? node, List<PathLeg> legs, int count)
    {
        for (int i = 0; i < count && node is not null; i++)
        {
            var leg = legs[i];
            node = leg.Kind switch
            {
                PathLegKind.Member => node is JsonObject obj && obj.TryGetPropertyValue(leg.Key!, out var v) ? v : null,
                PathLegKind.Elements when node is JsonArray arr =>
                    leg.From.Resolve(arr.Count) is int k && k >= 0 && k < arr.Count ? arr[k] : null,
                PathLegKind.Elements => leg.From.Resolve(1) == 0 ? node : null, // a non-array is an array of one
                _ => null,
            };
        }
        return node;
    }

    /// <summary>Whether the path ends at a JSON null (which <see cref="Locate"/> cannot tell from absent).</summary>
    static bool Exists(JsonNode? root, List<PathLeg> legs) =>
        Locate(root, legs, legs.Count - 1) switch
        {
            JsonObject obj => legs[^1].Kind == PathLegKind.Member && obj.ContainsKey(legs[^1].Key!),
            JsonArray arr => legs[^1].Kind == PathLegKind.Elements && legs[^1].From.Resolve(arr.Count) is int k && k >= 0 && k < arr.Count,
            _ => false,
        };

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
