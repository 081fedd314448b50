using System.Text;
using Borealis.Sql.Errors;
using Borealis.Sql.Syntax;

namespace Borealis.Sql.Execution;

/// <summary>Subqueries with MySQL's rules SQLite lacks: a scalar subquery of several rows is 1242; ANY / SOME / ALL.</summary>
internal sealed partial class Translator
{
    /// <summary>The name the single column of a wrapped subquery gets.</summary>
    const string SubqueryValue = "__bx_v";

    static readonly HashSet<string> s_aggregates = new(StringComparer.OrdinalIgnoreCase)
    {
        "COUNT", "SUM", "AVG", "MIN", "MAX", "GROUP_CONCAT", "STD", "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "VARIANCE", "VAR_POP",
        "VAR_SAMP", "BIT_AND", "BIT_OR", "BIT_XOR", "JSON_ARRAYAGG", "JSON_OBJECTAGG",
    };

    /// <summary>
    /// A scalar subquery that may produce several rows, rewritten to fail with 1242 when it does:
    /// <c>SELECT __bx_one(v) FROM (subquery AS v)</c>. Null when the subquery yields at most one row by its form
    /// (an aggregate without GROUP BY, LIMIT 0 or 1, no FROM) or cannot be rewritten.
    /// </summary>
    static Query? SingleRowCheck(Query query)
    {
        if (query is Query.Select s && (s.From is null || s.GroupBy.Count == 0 && s.Items.Count == 1 && ContainsAggregate(s.Items[0].Value)))
            return null;
        if (query.Limit is Expr.Literal { Value: long limit } && limit <= 1)
            return null;
        var named = NameSingleColumn(query);
        if (named is null)
            return null;
        return new Query.Select
        {
            Items = [new SelectItem(new Expr.Function("__BX_ONE", [new Expr.Column(null, null, SubqueryValue)]), null, "v")],
            From = new TableSource.Derived(named, "__bx_q"),
        };
    }

    /// <summary><c>x op ANY (q)</c> as EXISTS over q's rows; <c>x op ALL (q)</c> as NOT EXISTS of a row that fails.</summary>
    void EmitQuantified(Expr.Quantified q, StringBuilder sb)
    {
        var named = NameSingleColumn(q.Query) ?? throw MySqlErrors.OperandColumns(1);
        Expr test = new Expr.Binary(q.Op, q.Value, new Expr.Column(null, "__bx_q", SubqueryValue));
        if (q.All)
            test = new Expr.Unary("NOT", new Expr.IsBool(test, Truth: true, Not: false));
        var exists = new Query.Select
        {
            Items = [new SelectItem(new Expr.Literal(1L, -1), null, "1")],
            From = new TableSource.Derived(named, "__bx_q"),
            Where = test,
        };
        sb.Append(q.All ? "(NOT EXISTS (" : "(EXISTS (");
        EmitQuery(exists, sb, topLevel: false);
        sb.Append("))");
    }

    /// <summary>The query with its single result column named <see cref="SubqueryValue"/>; 1241 for several columns.</summary>
    static Query? NameSingleColumn(Query query) => query switch
    {
        Query.Select { Items: [{ Value: Expr.Star }] } => null,
        Query.Select { Items.Count: > 1 } => throw MySqlErrors.OperandColumns(1),
        Query.Select s => s with { Items = [s.Items[0] with { Alias = SubqueryValue }] },
        Query.Union u => NameSingleColumn(u.Left) is { } left ? u with { Left = left } : null,
        _ => null,
    };

    /// <summary>True when <paramref name="e"/> calls an aggregate outside a subquery or a window.</summary>
    static bool ContainsAggregate(Expr e) =>
        e is Expr.Function f && s_aggregates.Contains(f.Name) || Children(e).Any(ContainsAggregate);
}
