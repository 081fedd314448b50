using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Borealis.Integration.Tests.Drivers;

/// <summary>
/// The type matrix every driver test runs, defined once in <c>Drivers/type-matrix.json</c>, and the checks of a
/// driver's report against it. A report is JSON written by the driver program (or by <see cref="AdoDriver"/>):
/// <code>
/// { "driver": "...",
///   "types": { "&lt;column&gt;": { "values": [canonical text or null, …], "lookup": [[id], …], "unsupported": code, "error": "…" } },
///   "transaction": { "inside": 3, "after": [1] },
///   "duplicate": { "code": 1062, "sqlstate": "23000", "after": "kept" } }
/// </code>
/// </summary>
public static class TypeMatrix
{
    static readonly Lazy<IReadOnlyList<TypeColumn>> s_columns = new(Load);
    static readonly Lazy<string> s_directory = new(FindDirectory);

    /// <summary>This folder in the source tree: the driver programs run from here (node_modules lives here too).</summary>
    public static string Directory => s_directory.Value;

    public static string FixturePath => Path.Combine(Directory, "type-matrix.json");

    public static IReadOnlyList<TypeColumn> Columns => s_columns.Value;

    static string FindDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Borealis.Integration.Tests", "Drivers");
            if (File.Exists(Path.Combine(candidate, "type-matrix.json")))
                return candidate;
        }
        throw new DirectoryNotFoundException("tests/Borealis.Integration.Tests/Drivers not found above " + AppContext.BaseDirectory);
    }

    static IReadOnlyList<TypeColumn> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(FixturePath));
        return [.. doc.RootElement.GetProperty("columns").EnumerateArray().Select(c => new TypeColumn(
            c.GetProperty("name").GetString()!,
            c.GetProperty("type").GetString()!,
            c.GetProperty("kind").GetString()!,
            [.. c.GetProperty("values").EnumerateArray().Select(v => v.GetString()!)],
            c.GetProperty("lookup").GetBoolean(),
            c.TryGetProperty("unsupported", out var u) ? new TypeColumn.UnsupportedValue(u.GetProperty("value").GetString()!, u.GetProperty("error").GetInt32()) : null))];
    }

    /// <summary>Every column: the values read back equal the fixture's (then one NULL), each lookup finds exactly its row,
    /// and an unsupported value gets its error code.</summary>
    public static void AssertTypes(JsonElement report)
    {
        var types = report.GetProperty("types");
        var failures = new List<string>();
        foreach (var column in Columns)
        {
            if (!types.TryGetProperty(column.Name, out var got))
            {
                failures.Add($"{column.Name}: missing from the report");
                continue;
            }
            if (got.TryGetProperty("error", out var error))
            {
                failures.Add($"{column.Name} ({column.Type}): {error.GetString()}");
                continue;
            }
            var values = got.GetProperty("values").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString()).ToList();
            if (values.Count != column.Values.Count + 1)
                failures.Add($"{column.Name}: {values.Count} rows read back, {column.Values.Count + 1} written");
            for (int i = 0; i < Math.Min(values.Count, column.Values.Count); i++)
            {
                if (!SameValue(column.Kind, column.Values[i], values[i]))
                    failures.Add($"{column.Name} ({column.Type}) row {i + 1}: wrote '{column.Values[i]}', read '{values[i] ?? "NULL"}'");
            }
            if (values.Count == column.Values.Count + 1 && values[^1] is not null)
                failures.Add($"{column.Name}: NULL read back as '{values[^1]}'");
            if (column.Lookup)
            {
                var expected = string.Join(" ", Enumerable.Range(1, column.Values.Count).Select(i => $"[{i}]"));
                var lookup = string.Join(" ", got.GetProperty("lookup").EnumerateArray()
                    .Select(ids => "[" + string.Join(",", ids.EnumerateArray().Select(id => id.GetInt32())) + "]"));
                if (lookup != expected)
                    failures.Add($"{column.Name}: WHERE v = ? found {lookup}, expected {expected}");
            }
            if (column.Unsupported is { } unsupported)
            {
                var outcome = got.GetProperty("unsupported");
                if (outcome.ValueKind != JsonValueKind.Number || outcome.GetInt32() != unsupported.Error)
                    failures.Add($"{column.Name}: {unsupported.Value} gave {outcome}, expected error {unsupported.Error}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Rows inserted in a transaction are visible inside it (3 rows) and gone after ROLLBACK (only row 1).</summary>
    public static void AssertRollback(JsonElement report)
    {
        var tx = report.GetProperty("transaction");
        Assert.False(tx.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal(3, tx.GetProperty("inside").GetInt32());
        Assert.Equal([1], tx.GetProperty("after").EnumerateArray().Select(e => e.GetInt32()));
    }

    /// <summary>A duplicate primary key is error 1062 with SQLSTATE 23000 (when the driver exposes it), and the
    /// connection goes on: the original row reads back.</summary>
    public static void AssertDuplicateKey(JsonElement report, bool driverExposesSqlState = true)
    {
        var dup = report.GetProperty("duplicate");
        Assert.False(dup.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal(1062, dup.GetProperty("code").GetInt32());
        if (driverExposesSqlState)
            Assert.Equal("23000", dup.GetProperty("sqlstate").GetString());
        Assert.Equal("kept", dup.GetProperty("after").GetString());
    }

    static bool SameValue(string kind, string expected, string? actual)
    {
        if (actual is null)
            return false;
        switch (kind)
        {
            case "float":
                return float.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var f)
                    && f == float.Parse(expected, CultureInfo.InvariantCulture);
            case "double":
                return double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    && d == double.Parse(expected, CultureInfo.InvariantCulture);
            case "json":
                try
                {
                    return JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual));
                }
                catch (JsonException)
                {
                    return false;
                }
            case "datetime":
                // Drivers print fractions to the microsecond; the fixture writes them as the column declares.
                return WithMicroseconds(expected) == WithMicroseconds(actual);
            default:
                return expected == actual;
        }
    }

    static string WithMicroseconds(string datetime)
    {
        int dot = datetime.IndexOf('.', StringComparison.Ordinal);
        var (whole, fraction) = dot < 0 ? (datetime, "") : (datetime[..dot], datetime[(dot + 1)..]);
        return whole + "." + fraction.PadRight(6, '0');
    }
}
