namespace Borealis.Sql.Syntax;

/// <summary>A query: a SELECT block or a UNION of queries, with ORDER BY / LIMIT.</summary>
internal abstract record Query
{
    public IReadOnlyList<OrderItem> OrderBy { get; init; } = [];

    public Expr? Limit { get; init; }

    public Expr? Offset { get; init; }

    /// <summary>WITH [RECURSIVE] common table expressions defined for this query.</summary>
    public IReadOnlyList<CommonTable> With { get; init; } = [];

    public bool Recursive { get; init; }

    public sealed record Select : Query
    {
        public bool Distinct { get; init; }

        public bool CalcFoundRows { get; init; }

        public required IReadOnlyList<SelectItem> Items { get; init; }

        public TableSource? From { get; init; }

        public Expr? Where { get; init; }

        public IReadOnlyList<Expr> GroupBy { get; init; } = [];

        public bool WithRollup { get; init; }

        public Expr? Having { get; init; }

        /// <summary>WINDOW name AS (…) definitions (each a window without a function call).</summary>
        public IReadOnlyList<(string Name, Expr.Window Spec)> Windows { get; init; } = [];

        /// <summary>FOR UPDATE / FOR SHARE / LOCK IN SHARE MODE: FOR UPDATE takes the write lock.</summary>
        public bool ForUpdate { get; init; }
    }

    /// <summary>A compound query: UNION (the default), INTERSECT or EXCEPT, with ALL or DISTINCT.</summary>
    public sealed record Union(Query Left, Query Right, bool All, string Op = "UNION") : Query;
}
