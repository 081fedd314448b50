namespace Borealis.Sql.Syntax;

/// <summary>An expression of the MySQL dialect. Nodes are nested records so that the tree reads as one file.</summary>
internal abstract record Expr
{
    /// <summary>A literal; <see cref="Index"/> is its ordinal among the statement's literals (shapes bind it as a parameter).</summary>
    public sealed record Literal(object? Value, int Index) : Expr
    {
        /// <summary>TRUE or FALSE as written (the value is 1 or 0): JSON functions make it a JSON boolean.</summary>
        public bool IsBoolean { get; init; }
    }

    /// <summary>A '?' placeholder of a prepared statement (0-based).</summary>
    public sealed record Parameter(int Index) : Expr;

    public sealed record Column(string? Schema, string? Table, string Name) : Expr;

    /// <summary><c>*</c> or <c>t.*</c> in a select list.</summary>
    public sealed record Star(string? Schema, string? Table) : Expr;

    public sealed record Unary(string Op, Expr Operand) : Expr;

    public sealed record Binary(string Op, Expr Left, Expr Right) : Expr;

    public sealed record Between(Expr Value, Expr Low, Expr High, bool Not) : Expr;

    public sealed record InList(Expr Value, IReadOnlyList<Expr> Items, bool Not) : Expr;

    public sealed record InQuery(Expr Value, Query Query, bool Not) : Expr;

    public sealed record Exists(Query Query) : Expr;

    public sealed record Subquery(Query Query) : Expr;

    /// <summary><c>value op ANY|SOME|ALL (subquery)</c>.</summary>
    public sealed record Quantified(Expr Value, string Op, bool All, Query Query) : Expr;

    public sealed record IsNull(Expr Value, bool Not) : Expr;

    /// <summary>IS [NOT] TRUE / FALSE.</summary>
    public sealed record IsBool(Expr Value, bool Truth, bool Not) : Expr;

    public sealed record Like(Expr Value, Expr Pattern, Expr? Escape, bool Not) : Expr;

    public sealed record Regexp(Expr Value, Expr Pattern, bool Not) : Expr;

    public sealed record Case(Expr? Operand, IReadOnlyList<(Expr When, Expr Then)> Whens, Expr? Else) : Expr;

    public sealed record Function(string Name, IReadOnlyList<Expr> Args, bool Distinct = false, bool IsStar = false) : Expr
    {
        /// <summary>A typed literal (DATE '…', TIME '…', TIMESTAMP '…'): the function of that name over one string literal.</summary>
        public bool TypedLiteral { get; init; }

        /// <summary>GROUP_CONCAT's SEPARATOR, when given.</summary>
        public Expr? Separator { get; init; }

        /// <summary>GROUP_CONCAT's ORDER BY.</summary>
        public IReadOnlyList<OrderItem>? OrderBy { get; init; }
    }

    public sealed record Cast(Expr Value, DataType Type) : Expr;

    public sealed record UserVariable(string Name) : Expr
    {
        /// <summary>The statement assigns user variables (<c>@x := …</c>): read as each row is made, not bound once.</summary>
        public bool PerRow { get; init; }
    }

    /// <summary><c>@name := value</c> inside an expression: the value, which the variable also takes.</summary>
    public sealed record AssignVariable(string Name, Expr Value) : Expr;

    /// <summary>@@name, @@session.name, @@global.name.</summary>
    public sealed record SystemVariable(string Name, bool Global) : Expr;

    /// <summary>INTERVAL expr unit (only inside date arithmetic).</summary>
    public sealed record Interval(Expr Value, string Unit) : Expr;

    public sealed record Collate(Expr Value, string Collation) : Expr;

    /// <summary>DEFAULT in a VALUES row or SET.</summary>
    public sealed record Default : Expr;

    /// <summary>A function evaluated over a window: f(...) OVER (PARTITION BY ... ORDER BY ... frame).</summary>
    /// <param name="Frame">The frame clause as keywords (strings) and bound literals, or empty.</param>
    public sealed record Window(Function Call, IReadOnlyList<Expr> PartitionBy, IReadOnlyList<OrderItem> OrderBy, IReadOnlyList<object> Frame) : Expr
    {
        /// <summary>The named window this one is (OVER w) or refines (OVER (w ORDER BY …)), defined by the SELECT's WINDOW clause.</summary>
        public string? Name { get; init; }
    }

    /// <summary>ROW(a, b) / (a, b) row constructors.</summary>
    public sealed record Row(IReadOnlyList<Expr> Items) : Expr;
}
