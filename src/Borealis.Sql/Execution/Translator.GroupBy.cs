using Borealis.Sql.Catalog;
using Borealis.Sql.Errors;
using Borealis.Sql.Syntax;

namespace Borealis.Sql.Execution;

/// <summary>
/// ONLY_FULL_GROUP_BY (in MySQL 8's default sql_mode): a grouped query's select list may use a column outside an
/// aggregate only when the column is functionally dependent on the GROUP BY columns. Dependencies recognised, as in
/// MySQL: the column is grouped (or an expression equal to a GROUP BY expression is); a primary key, or a unique key
/// of NOT NULL columns, of its table is grouped; WHERE or an inner join's ON sets it equal to a constant or to a
/// dependent column. What this check cannot see into (derived tables, common tables, views, outer references,
/// subqueries, window functions) is let through: a false 1055 would refuse a query MySQL runs.
/// </summary>
internal sealed partial class Translator
{
    /// <summary>Set by the session from its sql_mode.</summary>
    public bool OnlyFullGroupBy { get; init; }

    /// <summary>The SELECT groups its rows: GROUP BY, or an aggregate in its select list.</summary>
    static bool GroupsOrAggregates(Query.Select s) => s.GroupBy.Count > 0 || s.Items.Any(item => ContainsAggregate(item.Value));

    void CheckFullGroupBy(Query.Select s)
    {
        if (!OnlyFullGroupBy || _scopes.Count == 0 || _scopes[^1].Count == 0)
            return;
        if (!GroupsOrAggregates(s))
            return;

        // The GROUP BY expressions, with positions (GROUP BY 2) and select aliases (GROUP BY total) resolved.
        var groupBy = new List<Expr>(s.GroupBy.Count);
        foreach (var g in s.GroupBy)
        {
            if (g is Expr.Literal { Value: long position } && position >= 1 && position <= s.Items.Count)
                groupBy.Add(s.Items[(int)position - 1].Value);
            else if (g is Expr.Column { Table: null } named && s.Items.FirstOrDefault(i => named.Name.Equals(i.Alias, StringComparison.OrdinalIgnoreCase)) is { } aliased
                && Resolve(named) is null)
                groupBy.Add(aliased.Value);
            else
                groupBy.Add(g);
        }

        var dependent = DependentColumns(s, groupBy);
        for (int i = 0; i < s.Items.Count; i++)
        {
            if (FirstIndependentColumn(s.Items[i].Value, groupBy, dependent) is not { } column)
                continue;
            string name = $"{column.Table.Schema}.{column.Alias}.{column.Column.Name}";
            throw s.GroupBy.Count > 0 ? MySqlErrors.NotInGroupBy(i + 1, name) : MySqlErrors.MixOfGroupFuncAndFields(i + 1, name);
        }
    }

    readonly record struct ScopedColumn(string Alias, TableInfo Table, ColumnInfo Column);

    /// <summary>A column of a base table of the current SELECT's FROM, or null (a derived table's, an outer query's, unknown).</summary>
    ScopedColumn? Resolve(Expr.Column c)
    {
        ScopedColumn? found = null;
        foreach (var (alias, table) in _scopes[^1])
        {
            if (c.Table is not null && !alias.Equals(c.Table, StringComparison.OrdinalIgnoreCase))
                continue;
            if (table.FindColumn(c.Name) is not { } column)
                continue;
            if (found is not null)
                return null; // ambiguous: SQLite reports it
            found = new ScopedColumn(alias, table, column);
        }
        return found;
    }

    static string Key(ScopedColumn c) => c.Alias.ToUpperInvariant() + "\u0001" + c.Column.Name.ToUpperInvariant();

    /// <summary>The columns the GROUP BY determines: grouped ones, constants, equal ones, and whole tables whose key is determined.</summary>
    HashSet<string> DependentColumns(Query.Select s, List<Expr> groupBy)
    {
        var dependent = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in groupBy)
        {
            if (g is Expr.Column c && Resolve(c) is { } resolved)
                dependent.Add(Key(resolved));
        }
        var equalities = new List<(Expr Left, Expr Right)>();
        CollectEqualities(s.Where, equalities);
        if (s.From is not null)
            CollectJoinEqualities(s.From, equalities);

        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var (left, right) in equalities)
            {
                changed |= AddIfDetermined(left, right, dependent);
                changed |= AddIfDetermined(right, left, dependent);
            }
            foreach (var (alias, table) in _scopes[^1])
            {
                bool keyDetermined = table.Indexes.Any(index => (index.Primary || index.Unique && index.Columns.All(name => table.FindColumn(name) is { NotNull: true }))
                    && index.Columns.Count > 0 && index.Columns.All(name => dependent.Contains(alias.ToUpperInvariant() + "\u0001" + name.ToUpperInvariant())));
                if (!keyDetermined)
                    continue;
                foreach (var column in table.Columns)
                    changed |= dependent.Add(Key(new ScopedColumn(alias, table, column)));
            }
        }
        return dependent;
    }

    /// <summary><paramref name="target"/> = <paramref name="source"/>: the target column is determined when the source is a constant or a determined column.</summary>
    bool AddIfDetermined(Expr target, Expr source, HashSet<string> dependent)
    {
        if (target is not Expr.Column t || Resolve(t) is not { } column)
            return false;
        bool determined = source switch
        {
            Expr.Literal or Expr.Parameter or Expr.UserVariable => true,
            Expr.Column c => Resolve(c) is { } other && dependent.Contains(Key(other)),
            _ => false,
        };
        return determined && dependent.Add(Key(column));
    }

    static void CollectEqualities(Expr? condition, List<(Expr, Expr)> equalities)
    {
        switch (condition)
        {
            case Expr.Binary { Op: "AND" } and:
                CollectEqualities(and.Left, equalities);
                CollectEqualities(and.Right, equalities);
                break;
            case Expr.Binary { Op: "=" } equal:
                equalities.Add((equal.Left, equal.Right));
                break;
        }
    }

    /// <summary>ON equalities of inner joins only: an outer join's ON does not hold for the rows it adds.</summary>
    static void CollectJoinEqualities(TableSource source, List<(Expr, Expr)> equalities)
    {
        if (source is not TableSource.Join join)
            return;
        CollectJoinEqualities(join.Left, equalities);
        CollectJoinEqualities(join.Right, equalities);
        if (join.Kind is "INNER" or "CROSS")
            CollectEqualities(join.On, equalities);
    }

    /// <summary>The first column of <paramref name="e"/> used outside an aggregate and not determined by the GROUP BY, or null.</summary>
    ScopedColumn? FirstIndependentColumn(Expr e, List<Expr> groupBy, HashSet<string> dependent)
    {
        if (groupBy.Any(g => SameExpr(g, e)))
            return null;
        switch (e)
        {
            case Expr.Column c:
                return Resolve(c) is { } column && !dependent.Contains(Key(column)) ? column : null;
            case Expr.Function f when s_aggregates.Contains(f.Name) || f.Name.Equals("ANY_VALUE", StringComparison.OrdinalIgnoreCase):
                return null;
            case Expr.Window or Expr.Subquery or Expr.Exists or Expr.InQuery or Expr.Quantified:
                return null;
        }
        foreach (var child in Children(e))
        {
            if (FirstIndependentColumn(child, groupBy, dependent) is { } found)
                return found;
        }
        return null;
    }

    /// <summary>The operands of an expression, not looking into subqueries or windows (each its own query or frame).</summary>
    /// <summary>
    /// Rebuilds <paramref name="e"/> bottom-up: <paramref name="replace"/> returns a node's replacement, or null to
    /// keep it and rewrite its children. Subqueries are not entered.
    /// </summary>
    static Expr Rewrite(Expr e, Func<Expr, Expr?> replace)
    {
        if (replace(e) is { } replaced)
            return replaced;
        Expr R(Expr x) => Rewrite(x, replace);
        Expr? O(Expr? x) => x is null ? null : Rewrite(x, replace);
        return e switch
        {
            Expr.Unary u => u with { Operand = R(u.Operand) },
            Expr.Binary b => b with { Left = R(b.Left), Right = R(b.Right) },
            Expr.Between bt => bt with { Value = R(bt.Value), Low = R(bt.Low), High = R(bt.High) },
            Expr.InList il => il with { Value = R(il.Value), Items = il.Items.Select(R).ToList() },
            Expr.InQuery iq => iq with { Value = R(iq.Value) },
            Expr.Quantified q => q with { Value = R(q.Value) },
            Expr.IsNull n => n with { Value = R(n.Value) },
            Expr.IsBool ib => ib with { Value = R(ib.Value) },
            Expr.Like lk => lk with { Value = R(lk.Value), Pattern = R(lk.Pattern), Escape = O(lk.Escape) },
            Expr.Regexp rx => rx with { Value = R(rx.Value), Pattern = R(rx.Pattern) },
            Expr.Case cs => cs with { Operand = O(cs.Operand), Whens = cs.Whens.Select(w => (R(w.When), R(w.Then))).ToList(), Else = O(cs.Else) },
            Expr.Function f => f with
            {
                Args = f.Args.Select(R).ToList(),
                Separator = O(f.Separator),
                OrderBy = f.OrderBy?.Select(o => o with { Value = R(o.Value) }).ToList(),
            },
            Expr.Cast c => c with { Value = R(c.Value) },
            Expr.Interval iv => iv with { Value = R(iv.Value) },
            Expr.Collate co => co with { Value = R(co.Value) },
            Expr.AssignVariable av => av with { Value = R(av.Value) },
            Expr.Row row => row with { Items = row.Items.Select(R).ToList() },
            _ => e,
        };
    }

    static IEnumerable<Expr> Children(Expr e)
    {
        switch (e)
        {
            case Expr.Unary u:
                yield return u.Operand;
                break;
            case Expr.Binary b:
                yield return b.Left;
                yield return b.Right;
                break;
            case Expr.Between bt:
                yield return bt.Value;
                yield return bt.Low;
                yield return bt.High;
                break;
            case Expr.InList il:
                yield return il.Value;
                foreach (var item in il.Items)
                    yield return item;
                break;
            case Expr.IsNull n:
                yield return n.Value;
                break;
            case Expr.IsBool ib:
                yield return ib.Value;
                break;
            case Expr.Like lk:
                yield return lk.Value;
                yield return lk.Pattern;
                if (lk.Escape is not null)
                    yield return lk.Escape;
                break;
            case Expr.Regexp rx:
                yield return rx.Value;
                yield return rx.Pattern;
                break;
            case Expr.Case cs:
                if (cs.Operand is not null)
                    yield return cs.Operand;
                foreach (var (when, then) in cs.Whens)
                {
                    yield return when;
                    yield return then;
                }
                if (cs.Else is not null)
                    yield return cs.Else;
                break;
            case Expr.Function f:
                foreach (var arg in f.Args)
                    yield return arg;
                break;
            case Expr.Cast c:
                yield return c.Value;
                break;
            case Expr.Interval iv:
                yield return iv.Value;
                break;
            case Expr.Collate co:
                yield return co.Value;
                break;
            case Expr.AssignVariable av:
                yield return av.Value;
                break;
            case Expr.Row row:
                foreach (var item in row.Items)
                    yield return item;
                break;
        }
    }

    /// <summary>Structural equality of two expressions as written (names case-insensitively); false when unsure.</summary>
    static bool SameExpr(Expr a, Expr b) => (a, b) switch
    {
        (Expr.Column x, Expr.Column y) => x.Name.Equals(y.Name, StringComparison.OrdinalIgnoreCase)
            && (x.Table is null || y.Table is null || x.Table.Equals(y.Table, StringComparison.OrdinalIgnoreCase)),
        (Expr.Literal x, Expr.Literal y) => Equals(x.Value, y.Value),
        (Expr.Unary x, Expr.Unary y) => x.Op == y.Op && SameExpr(x.Operand, y.Operand),
        (Expr.Binary x, Expr.Binary y) => x.Op == y.Op && SameExpr(x.Left, y.Left) && SameExpr(x.Right, y.Right),
        (Expr.Function x, Expr.Function y) => x.Name.Equals(y.Name, StringComparison.OrdinalIgnoreCase) && x.Distinct == y.Distinct
            && x.IsStar == y.IsStar && x.Args.Count == y.Args.Count && x.Args.Zip(y.Args).All(p => SameExpr(p.First, p.Second)),
        (Expr.Cast x, Expr.Cast y) => x.Type.Name == y.Type.Name && SameExpr(x.Value, y.Value),
        _ => false,
    };
}
