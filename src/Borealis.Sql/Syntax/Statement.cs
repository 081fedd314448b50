namespace Borealis.Sql.Syntax;

/// <summary>A statement of the MySQL dialect.</summary>
internal abstract record Statement
{
    public sealed record SelectStatement(Query Query) : Statement;

    public sealed record Insert(TableName Table, IReadOnlyList<string>? Columns) : Statement
    {
        public bool Replace { get; init; }

        public bool Ignore { get; init; }

        public IReadOnlyList<IReadOnlyList<Expr>> Rows { get; init; } = [];

        public Query? Source { get; init; }

        public IReadOnlyList<Assignment> OnDuplicate { get; init; } = [];

        /// <summary>INSERT ... AS alias [(columns)]: the new row's name in ON DUPLICATE KEY UPDATE.</summary>
        public string? RowAlias { get; init; }

        public IReadOnlyList<string>? RowAliasColumns { get; init; }
    }

    public sealed record Update(TableSource Table, IReadOnlyList<Assignment> Assignments, Expr? Where) : Statement
    {
        public bool Ignore { get; init; }

        public IReadOnlyList<OrderItem> OrderBy { get; init; } = [];

        public Expr? Limit { get; init; }
    }

    public sealed record Delete(TableName Table, Expr? Where) : Statement
    {
        /// <summary>The table's alias (DELETE FROM t AS x), or the alias/name of the target in a multi-table DELETE.</summary>
        public string? Alias { get; init; }

        /// <summary>Multi-table DELETE: the joined tables the target's rows are chosen from.</summary>
        public TableSource? Source { get; init; }

        public IReadOnlyList<OrderItem> OrderBy { get; init; } = [];

        public Expr? Limit { get; init; }
    }

    public sealed record CreateDatabase(string Name, bool IfNotExists, string? Charset, string? Collation) : Statement;

    public sealed record DropDatabase(string Name, bool IfExists) : Statement;

    public sealed record Use(string Name) : Statement;

    public sealed record CreateTable(TableName Name, bool IfNotExists, IReadOnlyList<ColumnSpec> Columns, IReadOnlyList<IndexSpec> Indexes) : Statement
    {
        public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

        public TableName? Like { get; init; }

        public IReadOnlyList<CheckSpec> Checks { get; init; } = [];

        public IReadOnlyList<ForeignKeySpec> ForeignKeys { get; init; } = [];

        /// <summary>CREATE TABLE ... SELECT: the query whose result defines and fills the table.</summary>
        public Query? Source { get; init; }

        public bool Temporary { get; init; }
    }

    public sealed record DropTable(IReadOnlyList<TableName> Names, bool IfExists) : Statement
    {
        /// <summary>DROP VIEW rather than DROP TABLE.</summary>
        public bool Views { get; init; }
    }

    /// <param name="Text">The SELECT as written (SHOW CREATE VIEW).</param>
    /// <param name="CheckOption">NONE, LOCAL or CASCADED (WITH CHECK OPTION).</param>
    public sealed record CreateView(TableName Name, IReadOnlyList<string>? Columns, Query Query, string Text, bool OrReplace, string CheckOption = "NONE") : Statement;

    public sealed record CreateIndex(IndexSpec Index, TableName Table) : Statement;

    public sealed record DropIndex(string Name, TableName Table) : Statement;

    public sealed record AlterTable(TableName Table, IReadOnlyList<AlterAction> Actions) : Statement;

    public sealed record RenameTable(IReadOnlyList<(TableName From, TableName To)> Pairs) : Statement;

    public sealed record Truncate(TableName Table) : Statement;

    /// <summary>BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ROLLBACK TO, RELEASE SAVEPOINT.</summary>
    public sealed record Transaction(string Action, string? Savepoint = null) : Statement;

    /// <summary>SET: each item is (scope: "user", "session", "global"), name, value.</summary>
    public sealed record Set(IReadOnlyList<(string Scope, string Name, Expr Value)> Items) : Statement;

    /// <summary>PREPARE name FROM 'text' | @variable: an SQL-level prepared statement of the session.</summary>
    public sealed record PrepareNamed(string Name, Expr Text) : Statement;

    /// <summary>EXECUTE name [USING @a, @b, ...].</summary>
    public sealed record ExecuteNamed(string Name, IReadOnlyList<Expr.UserVariable> Using) : Statement;

    /// <summary>DEALLOCATE PREPARE name / DROP PREPARE name.</summary>
    public sealed record DeallocateNamed(string Name) : Statement;

    public sealed record SetNames(string Charset, string? Collation) : Statement;

    /// <summary>ANALYZE / OPTIMIZE / CHECK / REPAIR TABLE t, …: one result row (or more) per table.</summary>
    public sealed record TableMaintenance(string Op, IReadOnlyList<TableName> Tables) : Statement;

    /// <summary>Statements accepted and ignored (SET TRANSACTION, LOCK TABLES, FLUSH, DO ...).</summary>
    public sealed record NoOp(string What) : Statement;

    /// <summary>SHOW ... (and DESCRIBE, which is SHOW COLUMNS).</summary>
    public sealed record Show(string What) : Statement
    {
        public bool Full { get; init; }

        /// <summary>SHOW CREATE DATABASE IF NOT EXISTS (the statement shown says IF NOT EXISTS too).</summary>
        public bool IfNotExists { get; init; }

        public bool Global { get; init; }

        public TableName? Table { get; init; }

        public string? Schema { get; init; }

        public string? Like { get; init; }

        public Expr? Where { get; init; }
    }

    public sealed record Unsupported(string What) : Statement;

    /// <summary>Aurora's fault injection <c>ALTER SYSTEM CRASH [INSTANCE | DISPATCHER | NODE]</c>.</summary>
    public sealed record AlterSystemCrash(CrashTarget Target) : Statement;

    /// <summary>EXPLAIN of a data statement: SQLite's query plan in MySQL's EXPLAIN columns.</summary>
    public sealed record Explain(Statement Inner) : Statement;
}
