using System.Text;
using Borealis.Sql.Catalog;
using Borealis.Sql.Errors;
using Borealis.Sql.Parsing;
using Borealis.Sql.Syntax;

namespace Borealis.Sql.Execution;

/// <summary>
/// Writes through a view: INSERT, UPDATE and DELETE on an updatable view become the same statement on the view's
/// base table, as MySQL's MERGE algorithm does. A view is updatable when its query is one SELECT from one table (or
/// from an updatable view) without DISTINCT, aggregates, window functions, GROUP BY, HAVING, LIMIT, subqueries or
/// CTEs. Its WHERE is added to every UPDATE and DELETE; a column is writable when the view selects it as is.
/// </summary>
internal sealed partial class Translator
{
    /// <summary>Views on views deeper than this are not merged (MySQL has no such limit; a cycle cannot exist).</summary>
    const int MaxViewDepth = 32;

    /// <summary>WITH CHECK OPTION conditions to check on the written rows, over the current target's columns.</summary>
    List<(Expr Condition, string View)>? _viewChecks;

    /// <summary>A CASCADED view above the current target: its WHERE is checked too.</summary>
    bool _checksCascade;

    /// <summary>The topmost view with a CHECK OPTION on the way down, named by a failure.</summary>
    string? _checkedView;

    /// <summary>
    /// What a write sees of an updatable view: its base table (the schema filled in), each view column's expression
    /// over that table (qualified with <see cref="Alias"/>, literals inlined) and the view's WHERE.
    /// </summary>
    sealed record ViewShape(TableName Base, string? Alias, Dictionary<string, Expr> Columns, IReadOnlyList<string> ColumnOrder, Expr? Where);

    /// <summary>
    /// Why a view's query cannot be written through, or null when it can. Used at CREATE VIEW for
    /// information_schema.VIEWS.IS_UPDATABLE, and before each write.
    /// </summary>
    public string? ViewNotUpdatableReason(Query query, string schema, IReadOnlyList<string>? columns) =>
        TryShape(query, schema, columns, "v", 0, out _);

    string? TryShape(Query query, string schema, IReadOnlyList<string>? names, string? alias, int depth, out ViewShape? shape)
    {
        shape = null;
        if (query is not Query.Select s)
            return "UNION";
        if (s.Distinct || s.GroupBy.Count > 0 || s.Having is not null || s.WithRollup)
            return "DISTINCT, GROUP BY or HAVING";
        if (s.Limit is not null || s.Offset is not null || s.With.Count > 0 || s.Windows.Count > 0)
            return "LIMIT or WITH";
        if (s.From is not TableSource.Table from)
            return "a join, derived table or no table";
        if (s.Where is not null && ContainsSubqueryOrWindow(s.Where))
            return "a subquery in WHERE";
        var baseName = new TableName(from.Name.Schema ?? schema, from.Name.Name);
        var table = _catalog.FindTable(baseName.Schema!, baseName.Name);
        if (table is null)
            return "a missing table";
        // A view on a view: the outer view's expressions are over the inner view's columns, which stay as they are;
        // the write is merged again when it reaches the inner view, which must be updatable too.
        ViewShape? inner = null;
        if (table.IsView && (depth >= MaxViewDepth || ViewQuery(table) is not { } innerQuery
            || TryShape(innerQuery, table.Schema, table.ViewColumns, alias, depth + 1, out inner) is not null))
        {
            return "a view that is not updatable";
        }
        string source = from.Alias ?? from.Name.Name;
        var requalified = new Dictionary<string, Expr>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        foreach (var item in s.Items)
        {
            if (item.Value is Expr.Star star)
            {
                if (star.Table is not null && !star.Table.Equals(source, StringComparison.OrdinalIgnoreCase))
                    return "an unknown table";
                foreach (var column in inner?.ColumnOrder ?? table.Columns.Select(c => c.Name))
                    Add(column, new Expr.Column(null, alias, column));
                continue;
            }
            if (ContainsAggregate(item.Value) || ContainsSubqueryOrWindow(item.Value))
                return "an aggregate, window function or subquery in the select list";
            Add(ResultName(item), Requalify(item.Value, source, from.Name.Name, alias));
        }
        if (names is not null)
        {
            if (names.Count != order.Count)
                return "a column list of another length";
            var renamed = new Dictionary<string, Expr>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < names.Count; i++)
                renamed[names[i]] = requalified[order[i]];
            requalified = renamed;
            order = [.. names];
        }
        var where = s.Where is null ? null : Requalify(s.Where, source, from.Name.Name, alias);
        shape = new ViewShape(baseName, alias, requalified, order, where);
        return null;

        void Add(string name, Expr value)
        {
            // A duplicate column name is refused at CREATE VIEW (1060); the first wins here.
            if (requalified.TryAdd(name, value))
                order.Add(name);
        }
    }

    static Query? ViewQuery(TableInfo view) =>
        view.ViewText is { } text && Parser.Parse(text, Lexer.Tokenize(text), out _) is Statement.SelectStatement select ? select.Query : null;

    /// <summary>The shape of <paramref name="view"/> for a write by <paramref name="verb"/>; 1288 (or 1471 for INSERT) when it has none.</summary>
    ViewShape ShapeForWrite(TableInfo view, string? alias, string verb)
    {
        // Views created before their CHECK OPTION was recorded are not written through: it might have been set.
        if (view.ViewCheckOption is null || ViewQuery(view) is not { } query
            || TryShape(query, view.Schema, view.ViewColumns, alias, 0, out var shape) is not null)
        {
            throw verb == "INSERT" ? MySqlErrors.NotInsertable(view.Name) : MySqlErrors.NotUpdatable(view.Name, verb);
        }
        return shape!;
    }

    /// <summary>
    /// WITH CHECK OPTION, as MySQL 8.0 applies it down a chain of views: a view with CASCADED has its WHERE checked and
    /// makes every view below it checked; LOCAL checks its own WHERE and leaves the views below to their own option;
    /// a view without the option is checked only under a CASCADED one. Conditions of the views above are carried down
    /// in terms of this view's columns, and mapped to the next level here. A failure names the topmost view with the
    /// option (1369).
    /// </summary>
    void CollectViewChecks(TableInfo view, ViewShape shape)
    {
        if (_viewChecks is { Count: > 0 } checks)
        {
            for (int i = 0; i < checks.Count; i++)
                checks[i] = (MapColumns(shape, checks[i].Condition, "where clause"), checks[i].View);
        }
        bool own = view.ViewCheckOption is "LOCAL" or "CASCADED";
        if (own)
            _checkedView ??= view.Schema + "." + view.Name;
        if ((own || _checksCascade) && shape.Where is not null)
            (_viewChecks ??= []).Add((shape.Where, _checkedView!));
        _checksCascade |= view.ViewCheckOption == "CASCADED";
    }

    /// <summary>
    /// Appends the checks collected on the way down from the views as a RETURNING clause of the write on the base
    /// table: <c>__bx_view_check</c> sees each written row's new values and fails the statement with 1369 when a
    /// condition is not true. SQLite then undoes the whole statement.
    /// </summary>
    void EmitViewChecks(StringBuilder sb)
    {
        if (_viewChecks is not { Count: > 0 } checks)
            return;
        sb.Append(" RETURNING __bx_view_check(");
        for (int i = 0; i < checks.Count; i++)
        {
            if (i > 0)
                sb.Append(", ");
            // RETURNING knows the written table by its own name only: columns are unqualified.
            EmitExpr(Requalify(checks[i].Condition, null), sb);
            sb.Append(", ").Append(SqliteUtil.QuoteString(checks[i].View));
        }
        sb.Append(')');
    }

    /// <summary>The view named by a write, or null when it names a table (temporary tables shadow views).</summary>
    TableInfo? WriteTargetView(TableName name)
    {
        string? schema = name.Schema ?? _database;
        if (schema is null || _temporary is { Count: > 0 } && _temporary.ContainsKey(TemporaryKey(schema, name.Name)))
            return null;
        return _catalog.FindTable(schema, name.Name) is { IsView: true } view ? view : null;
    }

    Statement.Update MergeView(Statement.Update up, TableSource.Table target, TableInfo view)
    {
        string alias = target.Alias ?? target.Name.Name;
        var shape = ShapeForWrite(view, alias, "UPDATE");
        CollectViewChecks(view, shape);
        var assignments = up.Assignments.Select(a => new Assignment(WritableColumn(shape, a.Target), MapColumns(shape, a.Value, "field list"))).ToList();
        return up with
        {
            Table = new TableSource.Table(shape.Base, alias),
            Assignments = assignments,
            Where = And(up.Where is null ? null : MapColumns(shape, up.Where, "where clause"), shape.Where),
            OrderBy = MapOrder(shape, up.OrderBy),
        };
    }

    Statement.Delete MergeView(Statement.Delete del, TableInfo view)
    {
        string alias = del.Alias ?? del.Table.Name;
        var shape = ShapeForWrite(view, alias, "DELETE");
        return del with
        {
            Table = shape.Base,
            Alias = alias,
            Where = And(del.Where is null ? null : MapColumns(shape, del.Where, "where clause"), shape.Where),
            OrderBy = MapOrder(shape, del.OrderBy),
        };
    }

    Statement.Insert MergeView(Statement.Insert ins, TableInfo view)
    {
        if (ins.RowAlias is not null)
            throw MySqlErrors.NotSupportedYet("INSERT … AS alias into a view");
        // Unqualified: the merged INSERT names its target by the base table's name, which a view on a view changes.
        var shape = ShapeForWrite(view, null, "INSERT");
        CollectViewChecks(view, shape);
        var columns = new List<string>();
        foreach (var name in ins.Columns ?? shape.ColumnOrder)
        {
            var target = WritableColumn(shape, new Expr.Column(null, null, name), insert: view.Name);
            if (columns.Contains(target.Name, StringComparer.OrdinalIgnoreCase))
                throw MySqlErrors.NotInsertable(view.Name);
            columns.Add(target.Name);
        }
        return ins with
        {
            Table = shape.Base,
            Columns = columns,
            OnDuplicate = ins.OnDuplicate.Select(a => new Assignment(WritableColumn(shape, a.Target), MapColumns(shape, a.Value, "field list"))).ToList(),
        };
    }

    /// <summary>The base column behind a view column that is written: 1348 when the view computes it (1471 for INSERT).</summary>
    static Expr.Column WritableColumn(ViewShape shape, Expr.Column target, string? insert = null)
    {
        if (target.Table is not null && shape.Alias is not null && !target.Table.Equals(shape.Alias, StringComparison.OrdinalIgnoreCase))
            throw MySqlErrors.UnknownColumn(target.Table + "." + target.Name, "field list");
        if (!shape.Columns.TryGetValue(target.Name, out var value))
            throw MySqlErrors.UnknownColumn(target.Name, "field list");
        if (value is not Expr.Column column)
            throw insert is null ? MySqlErrors.NonUpdatableColumn(target.Name) : MySqlErrors.NotInsertable(insert);
        return new Expr.Column(null, null, column.Name);
    }

    static IReadOnlyList<OrderItem> MapOrder(ViewShape shape, IReadOnlyList<OrderItem> order) =>
        order.Select(o => o with { Value = MapColumns(shape, o.Value, "order clause") }).ToList();

    static Expr? And(Expr? a, Expr? b) => a is null ? b : b is null ? a : new Expr.Binary("AND", a, b);

    /// <summary>
    /// Replaces the statement's references to view columns by their expressions. A name the view does not show is
    /// unknown (1054), even when the base table has it. Subqueries keep their own names.
    /// </summary>
    static Expr MapColumns(ViewShape shape, Expr e, string clause) => Rewrite(e, node =>
    {
        if (node is Expr.Column c && (c.Table is null || shape.Alias is not null && c.Table.Equals(shape.Alias, StringComparison.OrdinalIgnoreCase) && c.Schema is null))
        {
            return shape.Columns.TryGetValue(c.Name, out var value)
                ? value
                : throw MySqlErrors.UnknownColumn(c.Table is null ? c.Name : c.Table + "." + c.Name, clause);
        }
        if (node is Expr.Function { Name: var f, Args: [Expr.Column arg] } values && f.Equals("VALUES", StringComparison.OrdinalIgnoreCase))
            return values with { Args = [WritableColumn(shape, arg)] };
        return null;
    });

    /// <summary>The view's own expressions, over its FROM table as <paramref name="source"/>, moved to <paramref name="alias"/>; literals inlined.</summary>
    static Expr Requalify(Expr e, string source, string table, string? alias) => Rewrite(e, node => node switch
    {
        Expr.Column c when c.Table is null || c.Table.Equals(source, StringComparison.OrdinalIgnoreCase) || c.Table.Equals(table, StringComparison.OrdinalIgnoreCase)
            => new Expr.Column(null, alias, c.Name),
        Expr.Literal { Index: >= 0 } lit => lit with { Index = -1 },
        _ => null,
    });

    /// <summary>Every column of <paramref name="e"/> qualified with <paramref name="alias"/> (null: unqualified).</summary>
    static Expr Requalify(Expr e, string? alias) =>
        Rewrite(e, node => node is Expr.Column c ? new Expr.Column(null, alias, c.Name) : null);

    static bool ContainsSubqueryOrWindow(Expr e) =>
        e is Expr.Subquery or Expr.Exists or Expr.InQuery or Expr.Quantified or Expr.Window || Children(e).Any(ContainsSubqueryOrWindow);
}
