using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MySqlConnector;

namespace Borealis.Integration.Tests.Corpus;

/// <summary>What one statement gave a client: an error code, an OK with affected rows, or a result set as text.</summary>
public sealed partial record Outcome(int? Error, long? Affected, IReadOnlyList<string>? Columns, IReadOnlyList<IReadOnlyList<string>>? Rows, string? Message = null)
{
    /// <summary>
    /// The comparison rules for values that legitimately differ between MariaDB 10.11 and MySQL 8.0 (which Borealis
    /// follows) without being a difference a client cares about. Applied to both sides' text.
    /// </summary>
    public static readonly IReadOnlyList<(string Why, Regex Pattern, string Replacement)> Normalisations =
    [
        ("MySQL 8.0.19+ prints integer and YEAR types without a display width (MariaDB: int(11), year(4)); both print tinyint(1)",
            DisplayWidth(), "$1"),
        ("MariaDB 10.11 lacks utf8mb4_0900_ai_ci (MySQL 8.0's default collation); it runs with utf8mb4_general_ci",
            Collation0900(), "utf8mb4_general_ci"),
    ];

    public bool IsResultSet => Rows is not null;

    /// <summary>Runs one statement and records what came back (errors are outcomes, not exceptions).</summary>
    public static async Task<Outcome> RunAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new MySqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (reader.FieldCount == 0)
                return new Outcome(null, reader.RecordsAffected, null, null);
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var rows = new List<IReadOnlyList<string>>();
            while (await reader.ReadAsync(cancellationToken))
                rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => Normalise(Text(reader, i))).ToList());
            return new Outcome(null, null, columns, rows);
        }
        catch (MySqlException ex)
        {
            return new Outcome(ex.Number, null, null, null, ex.Message);
        }
    }

    /// <summary>A value as the text protocol sent it (as near as the driver's types allow).</summary>
    static string Text(MySqlDataReader reader, int i)
    {
        if (reader.IsDBNull(i))
            return "NULL";
        return reader.GetValue(i) switch
        {
            byte[] bytes => "0x" + Convert.ToHexString(bytes),
            DateTime dt when reader.GetDataTypeName(i).Equals("DATE", StringComparison.OrdinalIgnoreCase) => dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTime dt => dt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
            TimeSpan ts => (ts < TimeSpan.Zero ? "-" : "") + ((long)Math.Abs(ts.TotalHours)).ToString("00", CultureInfo.InvariantCulture) + ts.ToString(@"\:mm\:ss\.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            decimal m => m.ToString(CultureInfo.InvariantCulture),
            bool b => b ? "1" : "0",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString() ?? "",
        };
    }

    public static string Normalise(string text)
    {
        foreach (var (_, pattern, replacement) in Normalisations)
            text = pattern.Replace(text, replacement);
        return text;
    }

    /// <summary>Values only (rows ";"-separated, cells " | "-separated), or "error N", or "ok N": the form of <see cref="CorpusStatement.MySql"/>.</summary>
    public string Render() =>
        Error is int code ? $"error {code}"
        : Rows is null ? $"ok {Affected}"
        : string.Join(" ; ", Rows.Select(r => string.Join(" | ", r)));

    /// <summary>Columns and values, for the report.</summary>
    public string Describe() => Rows is null ? Render() + (Message is null ? "" : " " + Message) : $"[{string.Join(", ", Columns!)}] {Render()}";

    /// <summary>Whether two outcomes agree under a judge (rows in order when the statement orders them, else as a multiset).</summary>
    public bool Agrees(Outcome other, Judge judge, bool ordered)
    {
        if (Error != other.Error || IsResultSet != other.IsResultSet)
            return false;
        if (Error is not null)
            return judge != Judge.ExactMessage || Message == other.Message;
        if (judge == Judge.Succeeds)
            return true;
        if (!IsResultSet)
            return Affected == other.Affected;
        if (!Columns!.SequenceEqual(other.Columns!, StringComparer.OrdinalIgnoreCase) || Rows!.Count != other.Rows!.Count)
            return false;
        if (judge == Judge.Shape)
            return true;
        return Sorted(this, ordered).SequenceEqual(Sorted(other, ordered), StringComparer.Ordinal);
    }

    static IEnumerable<string> Sorted(Outcome o, bool ordered)
    {
        var rows = o.Rows!.Select(r => string.Join("\u0001", r));
        return ordered ? rows : rows.Order(StringComparer.Ordinal);
    }

    /// <summary>True when the statement's outermost clause orders its rows (an ORDER BY not inside parentheses).</summary>
    public static bool IsOrdered(string sql)
    {
        int depth = 0;
        var outer = new StringBuilder();
        foreach (char c in sql)
        {
            if (c == '(')
                depth++;
            else if (c == ')')
                depth--;
            else if (depth == 0)
                outer.Append(c);
        }
        return OrderBy().IsMatch(outer.ToString());
    }

    [GeneratedRegex(@"\b(tinyint|smallint|mediumint|int|bigint|year)\((?!1\))\d+\)", RegexOptions.IgnoreCase)]
    private static partial Regex DisplayWidth();

    [GeneratedRegex("utf8mb4_0900_ai_ci")]
    private static partial Regex Collation0900();

    [GeneratedRegex(@"\bORDER\s+BY\b", RegexOptions.IgnoreCase)]
    private static partial Regex OrderBy();
}
