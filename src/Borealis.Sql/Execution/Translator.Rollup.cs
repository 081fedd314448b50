using Borealis.Sql.Errors;
using Borealis.Sql.Syntax;

namespace Borealis.Sql.Execution;

/// <summary>
/// GROUP BY … WITH ROLLUP, which SQLite lacks, as a UNION ALL of one aggregate query per level (the full grouping,
/// then one key fewer at a time down to the grand total) inside a derived table, ordered as MySQL returns it: each
/// group's super-aggregate row after its rows, the grand total last.
/// </summary>
internal sealed partial class Translator
{
    const string RollupTable = "__bx_rollup";

    /// <summary>A ROLLUP key: the select item it names (by position or alias), and/or the column it is.</summary>
    readonly record struct RollupKey(int Item, Expr.Column? Column, Expr Value);

    static Query ExpandRollup(Query.Select s)
    {
        if (s.Distinct || s.Windows.Count > 0 || s.Items.Any(i => i.Value is Expr.Star || ContainsWindow(i.Value)))
            throw MySqlErrors.NotSupportedYet("WITH ROLLUP with DISTINCT, * or window functions");
        var having = s.Having is null ? null : WithItemsForAliases(s.Having, s.Items);
        var keys = s.GroupBy.Select(g => RollupKeyOf(g, s.Items)).ToList();
        var names = s.Items.Select(ResultName).ToList();
        Query? union = null;
        for (int level = keys.Count; level >= 0; level--)
        {
            var rolled = keys.Skip(level).ToList();
            var items = new List<SelectItem>();
            for (int i = 0; i < s.Items.Count; i++)
            {
                var value = rolled.Any(k => k.Item == i) ? Null() : WithoutRolledUp(s.Items[i].Value, rolled);
                items.Add(new SelectItem(value, "c" + i, "c" + i));
            }
            for (int k = 0; k < keys.Count; k++)
            {
                bool isRolled = k >= level;
                items.Add(new SelectItem(new Expr.Literal(isRolled ? 1L : 0L, -1), "r" + k, "r" + k));
                // The grand total's key is MAX(NULL), NULL too but an aggregate: SQLite accepts its HAVING below only
                // in an aggregate query, and a select list without aggregates (GROUP BY a WITH ROLLUP) is none.
                var key = !isRolled ? keys[k].Value : level == 0 && k == 0 ? new Expr.Function("MAX", [Null()]) : Null();
                items.Add(new SelectItem(key, "g" + k, "g" + k));
            }
            // HAVING filters the super-aggregate rows too (MySQL applies it after the rollup): in each level it sees
            // the rolled-up keys as NULL, as the select list does.
            var levelHaving = having is null ? null : WithoutRolledUp(having, rolled);
            var branch = new Query.Select
            {
                Items = items,
                From = s.From,
                Where = s.Where,
                GroupBy = keys.Take(level).Select(k => k.Value).ToList(),
                // Without any key left, SQLite makes one row even of no rows; MySQL's ROLLUP adds nothing to no groups.
                Having = level == 0 ? And(new Expr.Binary(">", new Expr.Function("COUNT", [], IsStar: true), new Expr.Literal(0L, -1)), levelHaving) : levelHaving,
            };
            union = union is null ? branch : new Query.Union(union, branch, All: true);
        }
        var order = s.OrderBy.Count > 0
            ? s.OrderBy.Select(o => o with { Value = RollupOutput(o.Value, names) }).ToList()
            : Enumerable.Range(0, keys.Count).SelectMany(k => new[]
            {
                new OrderItem(new Expr.Column(null, RollupTable, "r" + k), false),
                new OrderItem(new Expr.Column(null, RollupTable, "g" + k), false),
            }).ToList();
        return new Query.Select
        {
            Items = names.Select((name, i) => new SelectItem(new Expr.Column(null, RollupTable, "c" + i), name, name)).ToList(),
            From = new TableSource.Derived(union!, RollupTable),
            OrderBy = order,
            Limit = s.Limit,
            Offset = s.Offset,
            CalcFoundRows = s.CalcFoundRows,
        };

        static Expr Null() => new Expr.Literal(null, -1);
    }

    /// <summary>A HAVING condition with its references to select aliases (MySQL allows them) replaced by the items.</summary>
    static Expr WithItemsForAliases(Expr e, IReadOnlyList<SelectItem> items) => Rewrite(e, node => node switch
    {
        Expr.Column { Table: null } c when items.FirstOrDefault(i => string.Equals(i.Alias, c.Name, StringComparison.OrdinalIgnoreCase)) is { } item
            => item.Value,
        _ => null,
    });

    /// <summary>A GROUP BY item of a ROLLUP: a position, a select alias or a column; anything else is 1235.</summary>
    static RollupKey RollupKeyOf(Expr g, IReadOnlyList<SelectItem> items)
    {
        int item = -1;
        if (Position(g) is int position && position >= 1 && position <= items.Count)
            item = position - 1;
        else if (g is Expr.Column { Table: null } named)
            item = items.ToList().FindIndex(i => string.Equals(i.Alias, named.Name, StringComparison.OrdinalIgnoreCase));
        var value = item >= 0 ? items[item].Value : g;
        if (value is Expr.Column column)
            return new RollupKey(item, column, value);
        if (item >= 0)
            return new RollupKey(item, null, value);
        throw MySqlErrors.NotSupportedYet("WITH ROLLUP over an expression not in the select list");
    }

    /// <summary>
    /// A select item of a super-aggregate row: the rolled-up columns are NULL outside aggregates, and GROUPING(key) is
    /// 1 for a rolled-up key, 0 for another.
    /// </summary>
    static Expr WithoutRolledUp(Expr e, List<RollupKey> rolled) => Rewrite(e, node => node switch
    {
        Expr.Function { Name: var f, Args: [var arg] } when f.Equals("GROUPING", StringComparison.OrdinalIgnoreCase)
            => new Expr.Literal(rolled.Any(k => SameColumn(k.Column, arg) || k.Value.Equals(arg)) ? 1L : 0L, -1),
        Expr.Function f when s_aggregates.Contains(f.Name) => f,
        Expr.Column c when rolled.Any(k => SameColumn(k.Column, c)) => new Expr.Literal(null, -1),
        _ => null,
    });

    static bool SameColumn(Expr.Column? key, Expr e) =>
        key is not null && e is Expr.Column c && c.Name.Equals(key.Name, StringComparison.OrdinalIgnoreCase)
        && (c.Table is null || key.Table is null || c.Table.Equals(key.Table, StringComparison.OrdinalIgnoreCase));

    /// <summary>An ORDER BY item of a ROLLUP query: an output column by name or position.</summary>
    static Expr RollupOutput(Expr e, List<string> names)
    {
        int index = e switch
        {
            _ when Position(e) is int position && position >= 1 && position <= names.Count => position - 1,
            Expr.Column { Table: null } c => names.FindIndex(n => n.Equals(c.Name, StringComparison.OrdinalIgnoreCase)),
            _ => -1,
        };
        return index >= 0
            ? new Expr.Column(null, RollupTable, "c" + index)
            : throw MySqlErrors.NotSupportedYet("ORDER BY of a WITH ROLLUP query other than by its output columns");
    }

    /// <summary>A GROUP BY / ORDER BY position (an integer literal, as <see cref="EmitPositional"/> reads it), or null.</summary>
    static int? Position(Expr e) => e is Expr.Literal { Value: long n } && n is > 0 and <= int.MaxValue ? (int)n : null;

    static bool ContainsWindow(Expr e) => e is Expr.Window || Children(e).Any(ContainsWindow);
}
