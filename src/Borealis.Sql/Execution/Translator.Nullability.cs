using Borealis.Sql.Catalog;
using Borealis.Sql.Syntax;

namespace Borealis.Sql.Execution;

/// <summary>
/// Whether a result column can be NULL, as MySQL's NOT_NULL column flag says it (drivers' AllowDBNull, the client's
/// column widths): a column of a table on the inner side of an outer join can be NULL whatever its declaration; an
/// expression is NOT NULL only when MySQL can prove it (see <see cref="IsNotNull"/>); a UNION's column is NOT NULL only
/// when it is in every SELECT.
/// </summary>
internal sealed partial class Translator
{
    // The aliases on the inner (NULL-extended) side of an outer join, per FROM scope.
    readonly Dictionary<object, HashSet<string>> _nullableSides = new(ReferenceEqualityComparer.Instance);

    // The outermost SELECTs of the statement (one, or the members of a UNION), in order, by result position. Null
    // when the positions are not known here (a * over a derived table, USING).
    readonly List<ResultPosition[]?> _outerSelects = [];

    // Inside a WITH clause's common tables (their SELECTs are not the statement's result).
    int _commonTableBodies;

    /// <summary>Marks every table of <paramref name="side"/> as NULL-extended in the current FROM scope.</summary>
    void MarkNullableSide(TableSource side)
    {
        if (_scopes.Count == 0)
            return;
        if (!_nullableSides.TryGetValue(_scopes[^1], out var aliases))
            _nullableSides[_scopes[^1]] = aliases = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Collect(side, aliases);

        static void Collect(TableSource source, HashSet<string> aliases)
        {
            switch (source)
            {
                case TableSource.Table t:
                    aliases.Add(t.Alias ?? t.Name.Name);
                    break;
                case TableSource.Derived d:
                    aliases.Add(d.Alias);
                    break;
                case TableSource.Join j:
                    Collect(j.Left, aliases);
                    Collect(j.Right, aliases);
                    break;
            }
        }
    }

    bool IsNullableSide(int scope, string alias) =>
        _nullableSides.TryGetValue(_scopes[scope], out var aliases) && aliases.Contains(alias);

    /// <summary>The alias and column a column reference resolves to, and whether its table is NULL-extended.</summary>
    (string? Alias, ColumnInfo? Column, bool NullableSide) ResolveWithSide(Expr.Column c)
    {
        for (int s = _scopes.Count - 1; s >= 0; s--)
        {
            foreach (var (alias, table) in _scopes[s])
            {
                if (c.Table is not null && !alias.Equals(c.Table, StringComparison.OrdinalIgnoreCase))
                    continue;
                if (table.FindColumn(c.Name) is { } col)
                    return (alias, col, IsNullableSide(s, alias));
            }
        }
        return (null, null, false);
    }

    /// <summary>
    /// True when MySQL marks <paramref name="e"/> NOT NULL: a NOT NULL column outside the inner side of an outer join,
    /// a literal other than NULL, COUNT, IS [NOT] NULL, <c>&lt;=&gt;</c>, and operators and numeric functions that return
    /// NULL only for a NULL argument, over such values. Everything else (division, aggregates, string functions, date
    /// parsing, subqueries) may be NULL, as MariaDB marks it: false when unsure.
    /// </summary>
    bool IsNotNull(Expr e)
    {
        switch (e)
        {
            case Expr.Literal lit:
                return lit.Value is not null;
            case Expr.Column c:
                return ResolveWithSide(c) is { Column.NotNull: true, NullableSide: false };
            case Expr.Unary { Op: "-" or "+" or "~" or "NOT" or "!" } u:
                return IsNotNull(u.Operand);
            case Expr.Binary { Op: "<=>" }:
            case Expr.IsNull or Expr.IsBool or Expr.Exists:
                return true;
            case Expr.Binary { Right: Expr.Interval }:
                return false;
            case Expr.Binary { Op: "+" or "-" or "*" or "=" or "<>" or "!=" or "<" or "<=" or ">" or ">=" or "AND" or "OR" or "XOR" or "&" or "|" or "^" or "<<" or ">>" } b:
                return IsNotNull(b.Left) && IsNotNull(b.Right);
            case Expr.Between b:
                return IsNotNull(b.Value) && IsNotNull(b.Low) && IsNotNull(b.High);
            case Expr.InList l:
                return IsNotNull(l.Value) && l.Items.All(IsNotNull);
            case Expr.Like l:
                return IsNotNull(l.Value) && IsNotNull(l.Pattern) && (l.Escape is null || IsNotNull(l.Escape));
            case Expr.Case k:
                return k.Else is not null && IsNotNull(k.Else) && k.Whens.All(w => IsNotNull(w.Then));
            case Expr.Collate c:
                return IsNotNull(c.Value);
            case Expr.Cast c:
                return c.Type.Name is "bigint" or "decimal" or "double" or "float" && IsNotNull(c.Value);
            case Expr.Window w:
                return w.Call.Name.ToUpperInvariant() is "ROW_NUMBER" or "RANK" or "DENSE_RANK" or "COUNT";
            case Expr.Function f:
                return f.Name.ToUpperInvariant() switch
                {
                    "COUNT" => true,
                    "COALESCE" or "IFNULL" => f.Args.Any(IsNotNull),
                    "IF" => f.Args.Count == 3 && IsNotNull(f.Args[1]) && IsNotNull(f.Args[2]),
                    "NOW" or "CURRENT_TIMESTAMP" or "LOCALTIME" or "LOCALTIMESTAMP" or "SYSDATE" or "CURDATE" or "CURRENT_DATE"
                        or "CURTIME" or "CURRENT_TIME" or "UTC_TIMESTAMP" or "UTC_DATE" or "UTC_TIME" or "PI" or "CONNECTION_ID"
                        or "VERSION"
                        => f.Args.Count == 0,
                    "RAND" => f.Args.All(IsNotNull),
                    // Numbers of numbers: NULL only for a NULL argument. (A string function's result may always be
                    // NULL in MySQL: longer than max_allowed_packet.)
                    "LENGTH" or "CHAR_LENGTH" or "CHARACTER_LENGTH" or "OCTET_LENGTH" or "BIT_LENGTH" or "ABS" or "SIGN"
                        or "FLOOR" or "CEIL" or "CEILING" or "ROUND" or "TRUNCATE" or "GREATEST" or "LEAST" or "STRCMP"
                        or "INSTR" or "LOCATE" or "POSITION"
                        => f.Args.Count > 0 && f.Args.All(IsNotNull),
                    _ => false,
                };
            default:
                return false;
        }
    }

    /// <summary>Records an outermost SELECT's result positions (see <see cref="ResultPosition"/>).</summary>
    void RecordOuterSelect(Query.Select s)
    {
        var positions = new List<ResultPosition>();
        bool known = true;
        foreach (var item in s.Items)
        {
            if (item.Value is Expr.Star star)
            {
                known &= ExpandStar(s, star, positions);
                continue;
            }
            if (item.Value is Expr.Column c)
            {
                var (alias, column, nullableSide) = ResolveWithSide(c);
                if (column is not null)
                    positions.Add(new ResultPosition(alias, column.Name, nullableSide, column.NotNull && !nullableSide));
                else if (c.Table is not null && _scopes.Count > 0 && _nullableSides.TryGetValue(_scopes[^1], out var aliases) && aliases.Contains(c.Table))
                    positions.Add(new ResultPosition(null, c.Name, true, false)); // a derived or common table's column
                else
                    positions.Add(default);
                continue;
            }
            positions.Add(new ResultPosition(null, null, false, IsNotNull(item.Value)));
        }
        _outerSelects.Add(known ? positions.ToArray() : null);
    }

    /// <summary>Adds the positions of <c>*</c> or <c>t.*</c>; false when they are not known (a derived table, USING).</summary>
    bool ExpandStar(Query.Select s, Expr.Star star, List<ResultPosition> positions)
    {
        // Only FROM lists of catalog tables joined with ON: then SQLite's * is every column of every table in order.
        if (s.From is null || !OnlyTablesWithOn(s.From, out int tables) || tables != _scopes[^1].Count)
            return false;
        int scope = _scopes.Count - 1;
        foreach (var (alias, table) in _scopes[^1])
        {
            if (star.Table is not null && !alias.Equals(star.Table, StringComparison.OrdinalIgnoreCase))
                continue;
            bool nullableSide = IsNullableSide(scope, alias);
            foreach (var column in table.Columns)
                positions.Add(new ResultPosition(alias, column.Name, nullableSide, column.NotNull && !nullableSide));
        }
        return true;

        static bool OnlyTablesWithOn(TableSource source, out int count)
        {
            count = 0;
            switch (source)
            {
                case TableSource.Table:
                    count = 1;
                    return true;
                case TableSource.Join j when j.Using is null && !j.Kind.StartsWith("NATURAL", StringComparison.Ordinal):
                    bool ok = OnlyTablesWithOn(j.Left, out int left) & OnlyTablesWithOn(j.Right, out int right);
                    count = left + right;
                    return ok;
                default:
                    return false;
            }
        }
    }

    /// <summary>The plan's result positions for one SELECT, or where a UNION's columns are NOT NULL (every member's is).</summary>
    (ResultPosition[]? Positions, bool[]? CompoundNotNull) Nullability(Query query)
    {
        // WITH ROLLUP's super-aggregate rows put NULL in the key columns, and its result comes through a derived table.
        if (query is Query.Select { WithRollup: true } rollup)
            return ([.. rollup.Items.Select(i => new ResultPosition(null, (i.Value as Expr.Column)?.Name, NullableSide: true, NotNull: false))], null);
        bool known = _outerSelects.Count > 0 && _outerSelects.All(x => x is not null);
        if (query is Query.Select)
            return (known ? _outerSelects[0] : null, null);
        if (!known)
            return (null, []);
        int width = _outerSelects[0]!.Length;
        var all = new bool[width];
        for (int i = 0; i < width; i++)
            all[i] = _outerSelects.All(x => x!.Length == width && x[i].NotNull == true);
        return (null, all);
    }
}

/// <summary>
/// What the translator knows of one result column of a SELECT. <paramref name="Column"/> is checked against SQLite's
/// origin of the column before any of it is used, so a position that does not line up changes nothing.
/// </summary>
/// <param name="Alias">The table's name in the query (MySQL's column definition "table"), for a column of a catalog table.</param>
/// <param name="Column">The column the position reads, or null for an expression.</param>
/// <param name="NullableSide">The table is on the inner side of an outer join: the value can be NULL whatever the column declares.</param>
/// <param name="NotNull">Provably NOT NULL (true), maybe NULL (false), or unknown: the column's own metadata stands (null).</param>
internal readonly record struct ResultPosition(string? Alias, string? Column, bool NullableSide, bool? NotNull);
