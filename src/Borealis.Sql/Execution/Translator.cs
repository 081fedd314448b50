using System.Globalization;
using System.Text;
using Borealis.Engine;
using Borealis.Sql.Catalog;
using Borealis.Sql.Errors;
using Borealis.Sql.Parsing;
using Borealis.Sql.Results;
using Borealis.Sql.Syntax;

namespace Borealis.Sql.Execution;

/// <summary>
/// Translates a data statement's syntax tree to SQLite SQL: table names become "schema/table", literals and
/// session values become bound parameters, MySQL operators and functions become SQLite expressions or calls to
/// the functions <see cref="SqlFunctions"/> registers.
/// </summary>
internal sealed partial class Translator
{
    readonly CatalogSnapshot _catalog;
    readonly string? _database;
    readonly List<ParamSource> _params = [];
    readonly List<(int, object?)> _inlined = [];
    readonly Dictionary<string, ColumnHint> _hints = new(StringComparer.OrdinalIgnoreCase);
    readonly List<List<(string Alias, TableInfo Table)>> _scopes = [];
    bool _inlineLiterals;
    List<ParamSource> _current;

    readonly IReadOnlyDictionary<string, TableInfo>? _temporary;

    /// <param name="temporary">The session's temporary tables by "schema/table" (lower case); they hide catalog tables.</param>
    public Translator(CatalogSnapshot catalog, string? database, IReadOnlyDictionary<string, TableInfo>? temporary = null)
    {
        _catalog = catalog;
        _database = database;
        _current = _params;
        _temporary = temporary;
    }

    public static string TemporaryKey(string schema, string table) => (schema + "/" + table).ToLowerInvariant();

    public SqlPlan TranslateSelect(Query query)
    {
        var sb = new StringBuilder();
        bool forUpdate = query is Query.Select { ForUpdate: true };
        EmitQuery(query, sb, topLevel: true);
        string? countSql = null;
        List<ParamSource>? countParams = null;
        if (query is Query.Select { CalcFoundRows: true, Limit: not null } calc)
        {
            // SQL_CALC_FOUND_ROWS: FOUND_ROWS() is the row count without the LIMIT.
            var counter = new Translator(_catalog, _database);
            var unlimited = counter.TranslateSelect(calc with { CalcFoundRows = false, Limit = null, Offset = null });
            countSql = "SELECT count(*) FROM (" + unlimited.Sql + ")";
            countParams = unlimited.Params;
            foreach (var inlined in counter._inlined)
                _inlined.Add(inlined);
        }
        var (positions, compoundNotNull) = Nullability(query);
        return new SqlPlan
        {
            CountSql = countSql,
            CountParams = countParams,
            Kind = PlanKind.Select,
            CatalogVersion = _catalog.Version,
            Sql = sb.ToString(),
            Params = _params,
            Inlined = _inlined,
            Hints = _hints,
            ForUpdate = forUpdate,
            CalcFoundRows = query is Query.Select { CalcFoundRows: true },
            Positions = positions,
            CompoundNotNull = compoundNotNull,
        };
    }

    /// <summary>A CHECK constraint's expression as SQLite text (literals written in, columns of <paramref name="table"/> only).</summary>
    public string TranslateCheck(TableInfo table, CheckInfo check, Expr value)
    {
        _scopes.Add([]);
        _inlineLiterals = true;
        var sb = new StringBuilder();
        EmitExpr(value, sb);
        _inlineLiterals = false;
        _scopes.RemoveAt(_scopes.Count - 1);
        if (_params.Count > 0 || value is Expr.Subquery)
            throw MySqlErrors.CheckDisallowedFunction(check.Name);
        _ = table;
        return sb.ToString();
    }

    /// <summary>
    /// A generated column's expression as SQLite computes it (literals written in, like a CHECK), converted to the
    /// column's storage (see "Values" in docs/sql-layer.md): integers rounded, text and bytes cast.
    /// </summary>
    public string TranslateGenerated(TableInfo table, ColumnInfo column, Expr value)
    {
        _scopes.Add([(table.Name, table)]);
        _inlineLiterals = true;
        var sb = new StringBuilder();
        EmitExpr(value, sb);
        _inlineLiterals = false;
        _scopes.RemoveAt(_scopes.Count - 1);
        if (_params.Count > 0 || ContainsSubqueryOrWindow(value) || ContainsAggregate(value) || !DeterministicForGeneration(value))
            throw MySqlErrors.GeneratedColumnDisallowed(column.Name);
        string sql = sb.ToString();
        return column switch
        {
            { IsInteger: true } => $"CASE WHEN typeof({sql}) = 'integer' THEN {sql} ELSE CAST(round({sql}) AS INTEGER) END",
            { DataType: "float" or "double" } => $"CAST({sql} AS REAL)",
            { DataType: "decimal" } => $"round({sql}, {column.Scale ?? 0})",
            { IsString: true } => $"CAST({sql} AS TEXT)",
            { IsBinary: true } => $"CAST({sql} AS BLOB)",
            _ => sql,
        };
    }

    /// <summary>The columns a generated column's expression (its MySQL text, as stored) reads.</summary>
    public static IEnumerable<string> GenerationColumns(ColumnInfo column)
    {
        string text = "SELECT " + column.Generation;
        if (Parser.Parse(text, Lexer.Tokenize(text), out _) is not Statement.SelectStatement { Query: Query.Select { Items: [var item] } })
            return [];
        var names = new List<string>();
        void Walk(Expr e)
        {
            if (e is Expr.Column c)
                names.Add(c.Name);
            foreach (var child in Children(e))
                Walk(child);
        }
        Walk(item.Value);
        return names;
    }

    /// <summary>Functions MySQL refuses in a generated column (3102): their value depends on more than the row.</summary>
    static readonly HashSet<string> s_nondeterministic = new(StringComparer.OrdinalIgnoreCase)
    {
        "RAND", "UUID", "UUID_SHORT", "NOW", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP", "SYSDATE", "CURDATE",
        "CURRENT_DATE", "CURTIME", "CURRENT_TIME", "UTC_DATE", "UTC_TIME", "UTC_TIMESTAMP", "UNIX_TIMESTAMP", "CONNECTION_ID",
        "DATABASE", "SCHEMA", "USER", "CURRENT_USER", "SESSION_USER", "SYSTEM_USER", "LAST_INSERT_ID", "FOUND_ROWS",
        "ROW_COUNT", "SLEEP", "GET_LOCK", "RELEASE_LOCK", "IS_FREE_LOCK", "IS_USED_LOCK", "RELEASE_ALL_LOCKS", "VERSION",
        "BENCHMARK", "LOAD_FILE",
    };

    static bool AssignsVariable(Expr e) => e is Expr.AssignVariable || Children(e).Any(AssignsVariable);

    static bool DeterministicForGeneration(Expr e) => e switch
    {
        Expr.Function { Args.Count: > 0 } f when f.Name.Equals("UNIX_TIMESTAMP", StringComparison.OrdinalIgnoreCase) => f.Args.All(DeterministicForGeneration),
        Expr.Function f when s_nondeterministic.Contains(f.Name) => false,
        Expr.UserVariable or Expr.AssignVariable or Expr.SystemVariable or Expr.Parameter => false,
        _ => Children(e).All(DeterministicForGeneration),
    };

    /// <summary>A view's SELECT as SQLite text: every literal written in, no session values.</summary>
    public string TranslateView(Query query)
    {
        _inlineLiterals = true;
        var sb = new StringBuilder();
        EmitQuery(query, sb, topLevel: false);
        _inlineLiterals = false;
        if (_params.Count > 0)
            throw MySqlErrors.ViewSelectVariable();
        return sb.ToString();
    }

    // ---- tables ----

    /// <summary>Resolves a table name for reading or writing; throws 1046 / 1146 / 1109 as MySQL does.</summary>
    public TableInfo ResolveTable(TableName name)
    {
        string schema = name.Schema ?? _database ?? throw MySqlErrors.NoDatabaseSelected();
        if (_temporary is { Count: > 0 } && _temporary.TryGetValue(TemporaryKey(schema, name.Name), out var temporary))
            return temporary;
        var table = _catalog.FindTable(schema, name.Name);
        if (table is null)
            throw MySqlErrors.NoSuchTable(schema, name.Name);
        return table;
    }

    void EmitTableSource(TableSource source, StringBuilder sb)
    {
        switch (source)
        {
            case TableSource.Table t when IsCommonTable(t.Name):
                if (_commonTableHints.TryGetValue(t.Name.Name, out var cteHints))
                    _derivedHints[t.Alias ?? t.Name.Name] = cteHints;
                sb.Append(SqliteUtil.Quote(t.Name.Name)).Append(" AS ").Append(SqliteUtil.Quote(t.Alias ?? t.Name.Name));
                return;
            case TableSource.Table t:
                {
                    string schema = t.Name.Schema ?? _database ?? throw MySqlErrors.NoDatabaseSelected();
                    string alias = t.Alias ?? t.Name.Name;
                    if (schema.Equals("information_schema", StringComparison.OrdinalIgnoreCase))
                    {
                        if (!CatalogStore.InformationSchemaTables.TryGetValue(t.Name.Name, out var actual))
                            throw MySqlErrors.UnknownTableInList(t.Name.Name, "information_schema");
                        sb.Append("temp.").Append(SqliteUtil.Quote("information_schema/" + actual)).Append(" AS ").Append(SqliteUtil.Quote(alias));
                        if (actual == "replica_host_status")
                            _derivedHints[alias] = CatalogStore.ReplicaHostStatusTypes;
                        return;
                    }
                    if (schema.Equals("mysql", StringComparison.OrdinalIgnoreCase) && t.Name.Name.Equals("user", StringComparison.OrdinalIgnoreCase)
                        && _catalog.FindTable(schema, t.Name.Name) is null)
                    {
                        // The accounts (CatalogStore.MySqlUserViewSql): a view of the server's configuration, not a table.
                        sb.Append("temp.").Append(SqliteUtil.Quote("mysql/user")).Append(" AS ").Append(SqliteUtil.Quote(alias));
                        return;
                    }
                    var table = ResolveTable(t.Name with { Schema = schema });
                    AddToScope(alias, table);
                    sb.Append(table.SqliteQualified).Append(" AS ").Append(SqliteUtil.Quote(alias));
                    return;
                }
            case TableSource.Derived d:
                sb.Append('(');
                // A derived table's columns must have distinct names (1060), except in the translator's own rewrites.
                _derivedHints[d.Alias] = CollectHints(() => EmitQuery(d.Query, sb, topLevel: false), null, uniqueNames: !d.Alias.StartsWith("__bx_", StringComparison.Ordinal));
                sb.Append(") AS ").Append(SqliteUtil.Quote(d.Alias));
                return;
            case TableSource.Join j:
                {
                    sb.Append('(');
                    EmitTableSource(j.Left, sb);
                    sb.Append(j.Kind switch
                    {
                        "CROSS" => " CROSS JOIN ",
                        "LEFT" => " LEFT JOIN ",
                        "RIGHT" => " RIGHT JOIN ",
                        "NATURAL" => " NATURAL JOIN ",
                        "NATURAL LEFT" => " NATURAL LEFT JOIN ",
                        _ => " JOIN ",
                    });
                    EmitTableSource(j.Right, sb);
                    if (j.Kind is "LEFT" or "NATURAL LEFT")
                        MarkNullableSide(j.Right);
                    else if (j.Kind == "RIGHT")
                        MarkNullableSide(j.Left);
                    if (j.On is not null)
                    {
                        sb.Append(" ON ");
                        EmitExpr(j.On, sb);
                    }
                    else if (j.Using is not null)
                    {
                        sb.Append(" USING (").Append(string.Join(", ", j.Using.Select(SqliteUtil.Quote))).Append(')');
                    }
                    else if (j.Kind == "INNER")
                    {
                        sb.Append(" ON 1");
                    }
                    sb.Append(')');
                    return;
                }
        }
    }

    void AddToScope(string alias, TableInfo table)
    {
        if (_scopes.Count == 0)
            return;
        // The same name twice in one FROM is 1066 in MySQL (SQLite would report an ambiguous column later).
        if (_scopes[^1].Any(x => x.Alias.Equals(alias, StringComparison.OrdinalIgnoreCase)))
            throw MySqlErrors.NonUniqueTable(alias);
        _scopes[^1].Add((alias, table));
    }

    /// <summary>The index of the scope a column reference resolves in, or -1.</summary>
    int ScopeOf(Expr.Column c) => ResolveColumn(c).Scope;

    ColumnInfo? FindColumn(Expr.Column c) => ResolveColumn(c).Column;

    /// <summary>Where a column reference resolves: the innermost scope with a table (of its qualifier) that has it.</summary>
    (int Scope, ColumnInfo? Column) ResolveColumn(Expr.Column c)
    {
        for (int s = _scopes.Count - 1; s >= 0; s--)
        {
            foreach (var (alias, table) in _scopes[s])
            {
                if (c.Table is not null && !alias.Equals(c.Table, StringComparison.OrdinalIgnoreCase))
                    continue;
                var col = table.FindColumn(c.Name);
                if (col is not null)
                    return (s, col);
            }
        }
        return (-1, null);
    }

    // ---- queries ----

    readonly List<HashSet<string>> _commonTables = [];
    bool _recursionGuard;

    bool IsCommonTable(TableName name) =>
        name.Schema is null && _commonTables.Any(scope => scope.Contains(name.Name));

    void EmitQuery(Query query, StringBuilder sb, bool topLevel)
    {
        if (query.With.Count == 0)
        {
            EmitQueryBody(query, sb, topLevel);
            return;
        }
        var names = new HashSet<string>(query.With.Select(c => c.Name), StringComparer.OrdinalIgnoreCase);
        _commonTables.Add(names);
        _commonTableBodies++;
        try
        {
            sb.Append(query.Recursive ? "WITH RECURSIVE " : "WITH ");
            for (int i = 0; i < query.With.Count; i++)
            {
                var cte = query.With[i];
                if (i > 0)
                    sb.Append(", ");
                sb.Append(SqliteUtil.Quote(cte.Name));
                if (cte.Columns is not null)
                    sb.Append('(').Append(string.Join(", ", cte.Columns.Select(SqliteUtil.Quote))).Append(')');
                sb.Append(" AS (");
                if (query.Recursive && cte.Query is Query.Union { Right: Query.Select recursive } union && union.With.Count == 0)
                {
                    // The recursive member counts its rows: a runaway recursion fails with 3636 instead of running forever.
                    _commonTableHints[cte.Name] = CollectHints(() => EmitUnionSide(union.Left, sb, topLevel: false), cte.Columns, uniqueNames: true);
                    sb.Append(union.All ? " UNION ALL " : " UNION ");
                    _recursionGuard = true;
                    EmitSelect(recursive, sb, topLevel: false);
                    EmitOrderLimit(union.OrderBy, union.Limit, union.Offset, sb);
                }
                else
                {
                    _commonTableHints[cte.Name] = CollectHints(() => EmitQuery(cte.Query, sb, topLevel: false), cte.Columns, uniqueNames: true);
                }
                sb.Append(')');
            }
            sb.Append(' ');
            _commonTableBodies--;
            EmitQueryBody(query, sb, topLevel);
        }
        finally
        {
            _commonTables.RemoveAt(_commonTables.Count - 1);
        }
    }

    void EmitQueryBody(Query query, StringBuilder sb, bool topLevel)
    {
        switch (query)
        {
            case Query.Select s:
                EmitSelect(s, sb, topLevel);
                return;
            case Query.Union u:
                EmitUnionSide(u.Left, sb, topLevel);
                sb.Append(' ').Append(u.Op).Append(u.All ? " ALL " : " ");
                EmitUnionSide(u.Right, sb, topLevel: false, rightOperand: true);
                EmitOrderLimit(u.OrderBy, u.Limit, u.Offset, sb);
                return;
        }
    }

    void EmitUnionSide(Query q, StringBuilder sb, bool topLevel, bool rightOperand = false)
    {
        if (rightOperand && q is Query.Union)
        {
            // SQLite evaluates compound operators left to right: a compound right operand (an INTERSECT under a
            // UNION, or a parenthesized one) is a derived table.
            sb.Append("SELECT * FROM (");
            EmitQuery(q, sb, topLevel: false);
            sb.Append(')');
            return;
        }
        if (q is Query.Select s && (s.OrderBy.Count > 0 || s.Limit is not null))
        {
            // SQLite does not allow ORDER BY/LIMIT inside a compound member: wrap it.
            sb.Append("SELECT * FROM (");
            EmitSelect(s, sb, topLevel);
            sb.Append(')');
            return;
        }
        EmitQuery(q, sb, topLevel);
    }

    void EmitSelect(Query.Select s, StringBuilder sb, bool topLevel)
    {
        if (s.WithRollup)
        {
            EmitQuery(ExpandRollup(s), sb, topLevel);
            return;
        }
        _scopes.Add([]);
        _selectDepth++;
        try
        {
            // FROM first so that the scope knows the tables when the select list is translated.
            var from = new StringBuilder();
            if (s.From is not null)
                EmitTableSource(s.From, from);
            sb.Append("SELECT ");
            // A row without FROM that assigns user variables is DISTINCT (one row either way): SQLite computes every
            // column of a DISTINCT derived table, where it would skip one the outer query does not read, and
            // `FROM t, (SELECT @n := 0) init` must set @n before t's rows are read.
            if (s.Distinct || s.From is null && s.Items.Any(item => AssignsVariable(item.Value)))
                sb.Append("DISTINCT ");
            for (int i = 0; i < s.Items.Count; i++)
            {
                if (i > 0)
                    sb.Append(", ");
                EmitSelectItem(s.Items[i], sb, topLevel, s.From);
            }
            if (s.From is not null)
                sb.Append(" FROM ").Append(from);
            if (_selectDepth == 1 && _commonTableBodies == 0)
                RecordOuterSelect(s);
            CheckFullGroupBy(s);
            bool guard = _recursionGuard;
            _recursionGuard = false;
            // HAVING in a query that neither groups nor aggregates filters its rows (MySQL allows it; SQLite refuses
            // HAVING there): it joins the WHERE, where SQLite resolves select-list aliases as HAVING does.
            var having = s.Having;
            var where = s.Where;
            if (having is not null && !GroupsOrAggregates(s) && !ContainsAggregate(having))
            {
                where = where is null ? having : new Expr.Binary("AND", where, having);
                having = null;
            }
            if (where is not null)
            {
                sb.Append(" WHERE ");
                EmitExpr(where, sb);
                if (guard)
                    sb.Append(" AND __bx_recursion_guard()");
            }
            else if (guard)
            {
                sb.Append(" WHERE __bx_recursion_guard()");
            }
            if (s.GroupBy.Count > 0)
            {
                sb.Append(" GROUP BY ");
                for (int i = 0; i < s.GroupBy.Count; i++)
                {
                    if (i > 0)
                        sb.Append(", ");
                    EmitPositional(s.GroupBy[i], sb);
                }
            }
            if (having is not null)
            {
                sb.Append(" HAVING ");
                EmitExpr(having, sb);
            }
            for (int i = 0; i < s.Windows.Count; i++)
            {
                sb.Append(i == 0 ? " WINDOW " : ", ").Append(SqliteUtil.Quote(s.Windows[i].Name)).Append(" AS ");
                EmitWindowSpec(s.Windows[i].Spec, sb);
            }
            EmitOrderLimit(s.OrderBy, s.Limit, s.Offset, sb);
        }
        finally
        {
            // Only the first SELECT of a UNION names and types the columns.
            if (_collecting is not null && _selectDepth == _collectDepth)
                _collecting = null;
            _selectDepth--;
            _scopes.RemoveAt(_scopes.Count - 1);
        }
    }

    // Result types of derived tables and common tables, by alias and column name, so that a column read from one
    // is typed as the expression that computes it (SUM of a DECIMAL(10,2) keeps its scale through a derived table).
    readonly Dictionary<string, Dictionary<string, ColumnHint>> _derivedHints = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, Dictionary<string, ColumnHint>> _commonTableHints = new(StringComparer.OrdinalIgnoreCase);
    List<(string Name, ColumnHint? Hint)>? _collecting;
    int _collectDepth;
    int _selectDepth;

    /// <summary>
    /// Runs <paramref name="emit"/> (a derived or common table's query) and returns its result columns' types. With
    /// <paramref name="uniqueNames"/>, two result columns of one name are 1060, as in MySQL.
    /// </summary>
    Dictionary<string, ColumnHint> CollectHints(Action emit, IReadOnlyList<string>? columnNames, bool uniqueNames = false)
    {
        var (savedList, savedDepth) = (_collecting, _collectDepth);
        var list = new List<(string Name, ColumnHint? Hint)>();
        _collecting = list;
        _collectDepth = _selectDepth + 1;
        try
        {
            emit();
        }
        finally
        {
            (_collecting, _collectDepth) = (savedList, savedDepth);
        }
        var hints = new Dictionary<string, ColumnHint>(StringComparer.OrdinalIgnoreCase);
        var seen = uniqueNames ? new HashSet<string>(StringComparer.OrdinalIgnoreCase) : null;
        for (int i = 0; i < list.Count; i++)
        {
            string name = columnNames is not null && i < columnNames.Count ? columnNames[i] : list[i].Name;
            if (seen is not null && !seen.Add(name))
                throw MySqlErrors.DuplicateColumn(name);
            if (list[i].Hint is { } hint)
                hints.TryAdd(name, hint);
        }
        return hints;
    }

    /// <summary>The type of a column of a derived or common table in scope, or null.</summary>
    ColumnHint? DerivedColumnHint(Expr.Column c)
    {
        if (c.Table is not null)
            return _derivedHints.TryGetValue(c.Table, out var t) && t.TryGetValue(c.Name, out var h) ? h : null;
        foreach (var t in _derivedHints.Values)
        {
            if (t.TryGetValue(c.Name, out var h))
                return h;
        }
        return null;
    }

    void EmitOrderLimit(IReadOnlyList<OrderItem> orderBy, Expr? limit, Expr? offset, StringBuilder sb)
    {
        if (orderBy.Count > 0)
        {
            sb.Append(" ORDER BY ");
            for (int i = 0; i < orderBy.Count; i++)
            {
                if (i > 0)
                    sb.Append(", ");
                // ENUM sorts by member number and SET by its bit mask, not by text.
                if (MemberColumn(orderBy[i].Value) is not null)
                    EmitMemberOperand(orderBy[i].Value, sb);
                else
                    EmitPositional(orderBy[i].Value, sb);
                if (orderBy[i].Descending)
                    sb.Append(" DESC");
            }
        }
        if (limit is not null)
        {
            sb.Append(" LIMIT ");
            EmitExpr(limit, sb);
            if (offset is not null)
            {
                sb.Append(" OFFSET ");
                EmitExpr(offset, sb);
            }
        }
    }

    /// <summary>ORDER BY / GROUP BY item: an integer literal is a column position and must stay in the text.</summary>
    void EmitPositional(Expr e, StringBuilder sb)
    {
        if (e is Expr.Literal { Value: long } lit)
        {
            InlineLiteral(lit, sb);
            return;
        }
        EmitCollated(e, sb, EmitExpr);
    }

    /// <summary>
    /// Writes <paramref name="e"/> with <paramref name="emit"/>, followed by the text collation when it is a computed
    /// string that takes one (<see cref="TakesTextCollation"/>).
    /// </summary>
    void EmitCollated(Expr e, StringBuilder sb, Action<Expr, StringBuilder> emit)
    {
        if (!TakesTextCollation(e))
        {
            emit(e, sb);
            return;
        }
        EmitUnderTextCollation(e, sb, emit);
    }

    /// <summary>(expr COLLATE BX_AI_CI): the expression compared as under utf8mb4_0900_ai_ci wherever SQLite uses it.</summary>
    static void EmitUnderTextCollation(Expr e, StringBuilder sb, Action<Expr, StringBuilder> emit)
    {
        sb.Append('(');
        emit(e, sb);
        sb.Append(" COLLATE " + TextCollation.Name + ")");
    }

    /// <summary>
    /// A string literal, or a string function of values none of which is binary, where SQLite takes the collation from
    /// the expression itself (select items, GROUP BY, ORDER BY, window keys, MIN/MAX and DISTINCT aggregates): MySQL
    /// gives it the collation of its arguments or the connection's (utf8mb4_0900_ai_ci both, here), so DISTINCT, UNION,
    /// GROUP BY and ORDER BY take 'Ann Lee' and 'ann lee' as equal. SQLite would compare its bytes, as it compares
    /// anything but a column with a declared collation. Columns keep their own; comparisons have their rules
    /// (<see cref="EmitBinary"/>).
    /// </summary>
    bool TakesTextCollation(Expr e) => e switch
    {
        Expr.Literal { Value: string } => true,
        Expr.Function f => IsTextFunction(f),
        Expr.Case k => CaseResults(k).Any(TakesTextCollation) && !CaseResults(k).Any(ContainsBinaryString),
        _ => false,
    };

    static IEnumerable<Expr> CaseResults(Expr.Case k) => k.Else is null ? k.Whens.Select(w => w.Then) : k.Whens.Select(w => w.Then).Append(k.Else);

    /// <summary>A string function (<see cref="s_collatedStringFunctions"/>) none of whose arguments is binary.</summary>
    bool IsTextFunction(Expr.Function f) => s_collatedStringFunctions.Contains(f.Name) && !f.Args.Any(ContainsBinaryString);

    bool ContainsBinaryString(Expr e) =>
        IsBinaryString(e) || e is Expr.Literal { Value: byte[] } or Expr.Cast { Type.Name: "binary" } || Children(e).Any(ContainsBinaryString);

    static readonly HashSet<string> s_collatedStringFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "CONCAT", "CONCAT_WS", "SUBSTR", "SUBSTRING", "MID", "LEFT", "RIGHT", "TRIM", "LTRIM", "RTRIM", "LPAD", "RPAD",
        "REPLACE", "REVERSE", "REPEAT", "INSERT", "SUBSTRING_INDEX", "UPPER", "UCASE", "LOWER", "LCASE", "IFNULL",
        "COALESCE", "IF", "NULLIF", "ELT", "GREATEST", "LEAST",
    };

    /// <summary>MySQL's name of a result column: its alias, a column's name, a string literal's value, else its text.</summary>
    static string ResultName(SelectItem item) => item.Alias ?? item.Value switch
    {
        Expr.Column c => c.Name,
        Expr.Literal { Value: string text } => text,
        Expr.Literal { Value: null } when item.Text.Equals("NULL", StringComparison.OrdinalIgnoreCase) => "NULL",
        _ => item.Text,
    };

    void EmitSelectItem(SelectItem item, StringBuilder sb, bool topLevel, TableSource? from)
    {
        if (item.Value is Expr.Star star)
        {
            if (star.Table is null)
            {
                if (from is null)
                    throw MySqlErrors.NoTablesUsed();
                sb.Append('*');
            }
            else
            {
                sb.Append(SqliteUtil.Quote(star.Table)).Append(".*");
            }
            // * of a derived or common table: its computed columns keep their types (SUM of a DECIMAL(8,2) prints 60.00).
            string? source = star.Table ?? from switch
            {
                TableSource.Derived d => d.Alias,
                TableSource.Table t => t.Alias ?? t.Name.Name,
                _ => null,
            };
            if (topLevel && source is not null && _derivedHints.TryGetValue(source, out var hints))
            {
                foreach (var (column, hint) in hints)
                    _hints.TryAdd(column, hint);
            }
            return;
        }
        bool saved = _inlineLiterals;
        _inlineLiterals = true;
        try
        {
            // A JSON result is printed as MySQL prints JSON (one space after ',' and ':', keys sorted).
            bool json = topLevel && item.Value is not Expr.Column && Infer(item.Value)?.Type == Results.MySqlColumnType.Json;
            if (json)
            {
                sb.Append("__bx_json_out(");
                JsonArg(item.Value, sb);
                sb.Append(')');
            }
            else
            {
                EmitCollated(item.Value, sb, JsonArg);
            }
        }
        finally
        {
            _inlineLiterals = saved;
        }
        // A column keeps its own name (SQLite gives it); anything else is named here.
        string? name = item.Alias is null && item.Value is Expr.Column ? null : ResultName(item);
        if (_collecting is not null && _selectDepth == _collectDepth)
        {
            // The first SELECT of a derived or common table: remember the types of its result columns.
            var columnHint = item.Value is Expr.Column col && FindColumn(col) is { } origin ? ResultColumns.Hint(origin) : Infer(item.Value);
            _collecting.Add((name ?? ((Expr.Column)item.Value).Name, columnHint));
        }
        if (name is not null)
            sb.Append(" AS ").Append(SqliteUtil.Quote(name));
        if (topLevel && item.Value is not Expr.Column)
        {
            var hint = Infer(item.Value);
            if (hint is not null)
                _hints[name ?? item.Text] = hint;
        }
        else if (topLevel && item.Value is Expr.Column derived && FindColumn(derived) is null && DerivedColumnHint(derived) is { } derivedHint)
        {
            _hints[name ?? derived.Name] = derivedHint;
        }
    }

    // ---- expressions ----

    void InlineLiteral(Expr.Literal lit, StringBuilder sb)
    {
        if (lit.Index >= 0)
            _inlined.Add((lit.Index, lit.Value));
        sb.Append(LiteralSql(lit.Value));
    }

    static object? NegateLiteral(object? v) => v switch
    {
        long l when l != long.MinValue => -l,
        long l => -(decimal)l,
        ulong u => u == 9223372036854775808UL ? long.MinValue : -(decimal)u,
        decimal m => -m,
        double d => -d,
        _ => v,
    };

    internal static string LiteralSql(object? v) => v switch
    {
        null => "NULL",
        long l => l.ToString(CultureInfo.InvariantCulture),
        ulong u => u <= long.MaxValue ? u.ToString(CultureInfo.InvariantCulture) : ((double)u).ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture) is var r && (r.Contains('.', StringComparison.Ordinal) || r.Contains('E', StringComparison.Ordinal)) ? r : r + ".0",
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        ExactDecimal e => e.Text,
        string s => SqliteUtil.QuoteString(s),
        byte[] b => "X'" + Convert.ToHexString(b) + "'",
        _ => SqliteUtil.QuoteString(Convert.ToString(v, CultureInfo.InvariantCulture) ?? ""),
    };

    void Param(ParamSource source, StringBuilder sb)
    {
        _current.Add(source);
        sb.Append('?');
    }

    internal void EmitExpr(Expr e, StringBuilder sb)
    {
        switch (e)
        {
            case Expr.Literal lit:
                if (lit.Value is null || lit.Index < 0 || _inlineLiterals)
                    InlineLiteral(lit, sb);
                else
                    Param(new ParamSource(ParamKind.Literal, lit.Index), sb);
                return;
            case Expr.Parameter p:
                Param(new ParamSource(ParamKind.Placeholder, p.Index), sb);
                return;
            case Expr.Column c:
                EmitColumn(c, sb);
                return;
            case Expr.Star st:
                sb.Append(st.Table is null ? "*" : SqliteUtil.Quote(st.Table) + ".*");
                return;
            case Expr.Unary { Op: "-", Operand: Expr.Literal { Value: ulong or long or decimal or double, Index: >= 0 } negated }:
                // A negative literal is one value (so that -9223372036854775808 stays an integer).
                if (_inlineLiterals)
                {
                    _inlined.Add((negated.Index, negated.Value));
                    sb.Append('(').Append(LiteralSql(NegateLiteral(negated.Value))).Append(')');
                }
                else
                {
                    Param(new ParamSource(ParamKind.Literal, negated.Index, Negate: true), sb);
                }
                return;
            case Expr.Unary u:
                sb.Append(u.Op == "NOT" ? "(NOT " : "(" + u.Op + " ");
                EmitExpr(u.Operand, sb);
                sb.Append(')');
                return;
            case Expr.Binary b:
                EmitBinary(b, sb);
                return;
            case Expr.Between bt:
                {
                    Expr? anchor = null;
                    var convert = ValueConversion(bt.Value, bt.Low, out anchor) ?? ValueConversion(bt.Value, bt.High, out anchor);
                    sb.Append('(');
                    EmitNumericOperand(bt.Value, [bt.Low, bt.High], sb);
                    // Values without a column collation compare case- and accent-insensitively, as with =.
                    if (IsStringValue(bt.Value) && IsStringValue(bt.Low) && IsStringValue(bt.High))
                        sb.Append(" COLLATE " + TextCollation.Name);
                    sb.Append(bt.Not ? " NOT BETWEEN " : " BETWEEN ");
                    if (convert is null)
                        EmitExpr(bt.Low, sb);
                    else
                        EmitConvertedOperand(bt.Low, convert.Value, sb, anchor);
                    sb.Append(" AND ");
                    if (convert is null)
                        EmitExpr(bt.High, sb);
                    else
                        EmitConvertedOperand(bt.High, convert.Value, sb, anchor);
                    sb.Append(')');
                    return;
                }
            case Expr.InList il:
                {
                    sb.Append('(');
                    EmitNumericOperand(il.Value, il.Items, sb);
                    if (IsStringValue(il.Value) && il.Items.All(IsStringValue))
                        sb.Append(" COLLATE " + TextCollation.Name);
                    sb.Append(il.Not ? " NOT IN (" : " IN (");
                    // Long lists are written into the text: SQLite limits bound parameters per statement.
                    bool saved = _inlineLiterals;
                    _inlineLiterals |= il.Items.Count > 200;
                    // A temporal or binary column (or expression) converts each value as a comparison would.
                    var convert = il.Items.All(IsValue) && il.Items.Count > 0 ? ValueConversion(il.Value, il.Items[0]) : null;
                    bool numeric = convert is null && IsNumberOrBit(il.Value);
                    for (int i = 0; i < il.Items.Count; i++)
                    {
                        if (i > 0)
                            sb.Append(", ");
                        if (convert is { } c)
                            EmitConvertedOperand(il.Items[i], c, sb, il.Value);
                        else
                            EmitExpr(numeric ? HexNumber(il.Items[i]) ?? il.Items[i] : il.Items[i], sb); // b'101' is 5 here
                    }
                    _inlineLiterals = saved;
                    sb.Append("))");
                    return;
                }
            case Expr.InQuery iq:
                sb.Append('(');
                EmitExpr(iq.Value, sb);
                sb.Append(iq.Not ? " NOT IN (" : " IN (");
                EmitQuery(iq.Query, sb, topLevel: false);
                sb.Append("))");
                return;
            case Expr.Exists ex:
                sb.Append("EXISTS (");
                EmitQuery(ex.Query, sb, topLevel: false);
                sb.Append(')');
                return;
            case Expr.Subquery sq:
                sb.Append('(');
                if (SingleRowCheck(sq.Query) is { } checkedQuery)
                    EmitQuery(checkedQuery, sb, topLevel: false);
                else
                    EmitQuery(sq.Query, sb, topLevel: false);
                sb.Append(')');
                return;
            case Expr.Quantified q:
                EmitQuantified(q, sb);
                return;
            case Expr.IsNull n:
                sb.Append('(');
                // A JSON null found at the path is not SQL NULL (MySQL): test the JSON text.
                JsonArg(n.Value, sb);
                sb.Append(n.Not ? " IS NOT NULL)" : " IS NULL)");
                return;
            case Expr.IsBool ib:
                sb.Append('(');
                EmitExpr(ib.Value, sb);
                sb.Append(ib.Not ? " IS NOT " : " IS ").Append(ib.Truth ? "TRUE)" : "FALSE)");
                return;
            case Expr.Like lk when IsBinaryString(lk.Value) || IsBinaryString(lk.Pattern):
                // LIKE under a binary collation is case-sensitive (SQLite's LIKE never is).
                sb.Append(lk.Not ? "(NOT __bx_like_bin(" : "(__bx_like_bin(");
                EmitExpr(Uncollated(lk.Value), sb);
                sb.Append(", ");
                EmitExpr(Uncollated(lk.Pattern), sb);
                sb.Append(", ");
                if (lk.Escape is null)
                    sb.Append("'\\'");
                else
                    EmitExpr(lk.Escape, sb);
                sb.Append("))");
                return;
            case Expr.Like lk:
                EmitLike(lk, sb);
                return;
            case Expr.Regexp rx:
                sb.Append(rx.Not ? "(NOT (" : "((");
                EmitExpr(rx.Value, sb);
                sb.Append(" REGEXP ");
                EmitExpr(rx.Pattern, sb);
                sb.Append("))");
                return;
            case Expr.Case cs:
                sb.Append("CASE");
                if (cs.Operand is not null)
                {
                    sb.Append(' ');
                    EmitExpr(cs.Operand, sb);
                }
                foreach (var (when, then) in cs.Whens)
                {
                    sb.Append(" WHEN ");
                    EmitExpr(when, sb);
                    sb.Append(" THEN ");
                    EmitExpr(then, sb);
                }
                if (cs.Else is not null)
                {
                    sb.Append(" ELSE ");
                    EmitExpr(cs.Else, sb);
                }
                sb.Append(" END");
                return;
            case Expr.Function f:
                EmitFunction(f, sb);
                return;
            case Expr.Window w:
                EmitWindow(w, sb);
                return;
            case Expr.Cast cast:
                EmitCast(cast, sb);
                return;
            case Expr.UserVariable { PerRow: true } uv:
                sb.Append("__bx_getvar(").Append(LiteralSql(uv.Name)).Append(')');
                return;
            case Expr.UserVariable uv:
                Param(new ParamSource(ParamKind.UserVariable, Name: uv.Name), sb);
                return;
            case Expr.AssignVariable av:
                sb.Append("__bx_setvar(").Append(LiteralSql(av.Name)).Append(", ");
                EmitExpr(av.Value, sb);
                sb.Append(')');
                return;
            case Expr.SystemVariable sv:
                if (!SystemVariables.IsKnown(sv.Name))
                    throw MySqlErrors.UnknownSystemVariable(sv.Name);
                Param(new ParamSource(ParamKind.SystemVariable, Name: sv.Name, Global: sv.Global), sb);
                return;
            case Expr.Collate co:
                sb.Append('(');
                EmitExpr(co.Value, sb);
                bool ci = co.Collation.EndsWith("_ci", StringComparison.OrdinalIgnoreCase);
                sb.Append(ci ? " COLLATE " + TextCollation.Name + ")" : " COLLATE BINARY)");
                return;
            case Expr.Row row:
                sb.Append('(');
                for (int i = 0; i < row.Items.Count; i++)
                {
                    if (i > 0)
                        sb.Append(", ");
                    EmitExpr(row.Items[i], sb);
                }
                sb.Append(')');
                return;
            case Expr.Interval:
                throw MySqlErrors.Syntax("INTERVAL", 1);
            case Expr.Default:
                throw MySqlErrors.NotSupportedYet("DEFAULT in this context");
            default:
                throw MySqlErrors.Internal("untranslatable expression " + e.GetType().Name);
        }
    }

    /// <summary>
    /// An expression where MySQL wants a string (CONCAT, GROUP_CONCAT, LENGTH, CAST AS CHAR): a DECIMAL value is written
    /// with its scale, as MySQL shows it ('0.10', not '0.1'); anything else as itself.
    /// </summary>
    void EmitText(Expr e, StringBuilder sb)
    {
        if (ExactScale(e) is not int scale || scale == 0)
        {
            EmitExpr(e, sb);
            return;
        }
        sb.Append("__bx_decimal_text(");
        if (e is Expr.Column c)
            EmitColumn(c, sb, castWide: false); // a wide DECIMAL is stored as its exact text
        else
            EmitExpr(e, sb);
        sb.Append(", ").Append(scale).Append(')');
    }

    void EmitColumn(Expr.Column c, StringBuilder sb, bool castWide = true)
    {
        if (_rowAlias is not null && c.Table is not null && c.Table.Equals(_rowAlias, StringComparison.OrdinalIgnoreCase))
        {
            string name = _rowAliasColumns is not null && _rowAliasColumns.TryGetValue(c.Name, out var mapped) ? mapped : c.Name;
            sb.Append("excluded.").Append(SqliteUtil.Quote(name));
            return;
        }
        var info = FindColumn(c);
        if (info is not null && TryEmitAssigned(c, info, sb))
            return;
        castWide &= info is { IsWideDecimal: true } && !_inlineLiterals;
        if (castWide)
            sb.Append("CAST(");
        if (c.Table is not null)
            sb.Append(SqliteUtil.Quote(c.Table)).Append('.');
        sb.Append(SqliteUtil.Quote(c.Name));
        if (castWide)
            sb.Append(" AS REAL)");
    }

    void EmitBinary(Expr.Binary b, StringBuilder sb)
    {
        if (b.Op is "+" or "-" or "*" && ExactScale(b) is int scale and > 0)
        {
            // DECIMAL arithmetic is exact in MySQL (0.1 + 0.2 = 0.3): the binary result is rounded to its scale.
            sb.Append("round(");
            EmitBinaryOperation(b, sb);
            sb.Append(", ").Append(scale).Append(')');
            return;
        }
        EmitBinaryOperation(b, sb);
    }

    void EmitBinaryOperation(Expr.Binary b, StringBuilder sb)
    {
        if (b.Op is "+" or "-" or "*" or "/" or "DIV" or "%" or "MOD" or "&" or "|" or "^" or "<<" or ">>"
            && (HexNumber(b.Left) ?? HexNumber(b.Right)) is not null)
        {
            // A hex literal in arithmetic is the number its bytes spell (0x41 + 1 = 66), as in MySQL.
            b = b with { Left = HexNumber(b.Left) ?? b.Left, Right = HexNumber(b.Right) ?? b.Right };
        }
        else if (b.Op is "=" or "<>" or "!=" or "<" or "<=" or ">" or ">=" or "<=>"
            && (HexNumber(b.Left) is not null && IsNumberOrBit(b.Right) || HexNumber(b.Right) is not null && IsNumberOrBit(b.Left)))
        {
            // Compared with a number or a BIT column, X'05' and b'101' are the number 5.
            b = b with { Left = HexNumber(b.Left) ?? b.Left, Right = HexNumber(b.Right) ?? b.Right };
        }
        if (b.Op is "+" or "-" && (b.Right is Expr.Interval || b.Left is Expr.Interval))
        {
            var (date, interval) = b.Right is Expr.Interval ri ? (b.Left, ri) : (b.Right, (Expr.Interval)b.Left);
            sb.Append("__bx_date_add(");
            EmitExpr(date, sb);
            sb.Append(", ");
            // A compound unit's value is text ('1:30' HOUR_MINUTE): a leading '-' negates it.
            bool compound = interval.Unit.Contains('_', StringComparison.Ordinal);
            if (b.Op == "-")
                sb.Append(compound ? "'-' || (" : "-(");
            EmitExpr(interval.Value, sb);
            if (b.Op == "-")
                sb.Append(')');
            sb.Append(", '").Append(interval.Unit).Append("')");
            return;
        }
        switch (b.Op)
        {
            case "XOR":
                sb.Append("(((");
                EmitExpr(b.Left, sb);
                sb.Append(") <> 0) <> ((");
                EmitExpr(b.Right, sb);
                sb.Append(") <> 0))");
                return;
            case "/":
                sb.Append("(CAST(");
                EmitExpr(b.Left, sb);
                sb.Append(" AS REAL) / ");
                EmitExpr(b.Right, sb);
                sb.Append(')');
                return;
            case "DIV":
                sb.Append("CAST((");
                EmitExpr(b.Left, sb);
                sb.Append(") / (");
                EmitExpr(b.Right, sb);
                sb.Append(") AS INTEGER)");
                return;
            case "^":
                sb.Append("(((");
                EmitExpr(b.Left, sb);
                sb.Append(") | (");
                EmitExpr(b.Right, sb);
                sb.Append(")) - ((");
                EmitExpr(b.Left, sb);
                sb.Append(") & (");
                EmitExpr(b.Right, sb);
                sb.Append(")))");
                return;
            case "%":
                sb.Append("__bx_mod(");
                EmitExpr(b.Left, sb);
                sb.Append(", ");
                EmitExpr(b.Right, sb);
                sb.Append(')');
                return;
        }
        string op = b.Op switch
        {
            "<=>" => " IS ",
            "AND" => " AND ",
            "OR" => " OR ",
            _ => " " + b.Op + " ",
        };
        if (b.Op is "=" or "<>" or "<" or "<=" or ">" or ">=" or "<=>" && ValueConversion(b.Left, b.Right, out var anchor) is { } convert)
        {
            // DATE/DATETIME/TIME columns compare with values as temporal values ('2024-1-5' = DATE '2024-01-05'),
            // binary columns with values as bytes, as in MySQL.
            sb.Append('(');
            EmitConvertedOperand(b.Left, convert, sb, anchor);
            sb.Append(op);
            EmitConvertedOperand(b.Right, convert, sb, anchor);
            sb.Append(')');
            return;
        }
        bool comparison = b.Op is "=" or "<>" or "<" or "<=" or ">" or ">=" or "<=>";
        bool arithmetic = b.Op is "+" or "-" or "*" or "/" or "DIV" or "%" or "MOD" or "&" or "|" or "^" or "<<" or ">>";
        if (arithmetic && (MemberColumn(b.Left) is not null || MemberColumn(b.Right) is not null)
            || comparison && (MemberColumn(b.Left) is not null && IsNumberLiteral(b.Right) || MemberColumn(b.Right) is not null && IsNumberLiteral(b.Left)))
        {
            // In arithmetic, and compared with a number, an ENUM is its index (1 for the first value) and a SET its bit
            // mask, as in MySQL ('b' of ENUM('a','b') + 0 is 2).
            EmitOperation(b, op, EmitMemberOperand, sb);
            return;
        }
        if (arithmetic && (IsTemporalTyped(b.Left) || IsTemporalTyped(b.Right)))
        {
            // In arithmetic a date, datetime or time is the number its digits spell (DATE '2024-01-05' + 0 is
            // 20240105, CURDATE() + 1 is tomorrow's YYYYMMDD + 1), as in MySQL.
            EmitOperation(b, op, EmitTemporalNumber, sb);
            return;
        }
        if (b.Op is "+" or "-" or "*" && IsWideInteger(b))
        {
            // 64-bit integer arithmetic that overflows is an error in MySQL (1690); SQLite would go on in floating point.
            sb.Append("__bx_int_op(");
            EmitExpr(b.Left, sb);
            sb.Append(", ");
            EmitExpr(b.Right, sb);
            sb.Append(", '").Append(b.Op).Append("', ").Append(LiteralSql(OperandName(b.Left))).Append(", ").Append(LiteralSql(OperandName(b.Right))).Append(')');
            return;
        }
        // A string compared with a number compares as a number in MySQL ('3' = 3, and a name column = 0 is true
        // for 'Ann'): SQLite would compare a text column with the number as text.
        bool numericLeft = comparison && IsStringOperand(b.Left) && IsNumberLiteral(b.Right);
        bool numericRight = comparison && IsStringOperand(b.Right) && IsNumberLiteral(b.Left);
        sb.Append('(');
        EmitOperand(b.Left, sb, numericLeft);
        // Two values without a column collation compare case- and accent-insensitively, as under utf8mb4_0900_ai_ci.
        if (comparison && IsStringValue(b.Left) && IsStringValue(b.Right))
            sb.Append(" COLLATE " + TextCollation.Name);
        sb.Append(op);
        EmitOperand(b.Right, sb, numericRight);
        sb.Append(')');
    }

    /// <summary>
    /// Integer +, - or * that can leave 64 bits: both sides integers, and either both literals (any values: the
    /// translation must not depend on them, since a cached plan serves other literals) or one side a BIGINT column or
    /// such arithmetic itself. Narrower columns (an INT column + 1, sysbench's k + 1) stay plain SQLite arithmetic;
    /// an INT column plus a literal beyond 32 bits is not checked.
    /// </summary>
    bool IsWideInteger(Expr e) => e is Expr.Binary { Op: "+" or "-" or "*" } b && IsIntegerTyped(b.Left) && IsIntegerTyped(b.Right)
        && (IsIntegerConstant(b.Left) && IsIntegerConstant(b.Right) || IsWideOperand(b.Left) || IsWideOperand(b.Right));

    bool IsWideOperand(Expr e) => e switch
    {
        Expr.Unary { Op: "-", Operand: var operand } => IsWideOperand(operand),
        Expr.Column c => FindColumn(c) is { DataType: "bigint" },
        _ => IsWideInteger(e),
    };

    static bool IsIntegerConstant(Expr e) => e switch
    {
        Expr.Literal { Value: long } => true,
        Expr.Unary { Op: "-", Operand: var operand } => IsIntegerConstant(operand),
        Expr.Binary { Op: "+" or "-" or "*" } b => IsIntegerConstant(b.Left) && IsIntegerConstant(b.Right),
        _ => false,
    };

    bool IsIntegerTyped(Expr e) => e switch
    {
        Expr.Literal { Value: long } => true,
        Expr.Unary { Op: "-", Operand: var operand } => IsIntegerTyped(operand),
        Expr.Column c => FindColumn(c) is { IsInteger: true, DataType: not "bit" },
        Expr.Binary { Op: "+" or "-" or "*" } b => IsIntegerTyped(b.Left) && IsIntegerTyped(b.Right),
        _ => false,
    };

    /// <summary>A column as 1690's message names it (`t`.`a`); null for anything else, which the message shows by value.</summary>
    static string? OperandName(Expr e) => e is Expr.Column c ? (c.Table is null ? "" : "`" + c.Table + "`.") + "`" + c.Name + "`" : null;

    /// <summary>(left op right), each side written by <paramref name="operand"/>.</summary>
    static void EmitOperation(Expr.Binary b, string op, Action<Expr, StringBuilder> operand, StringBuilder sb)
    {
        sb.Append('(');
        operand(b.Left, sb);
        sb.Append(op);
        operand(b.Right, sb);
        sb.Append(')');
    }

    /// <summary>A DATE, DATETIME, TIMESTAMP or TIME by its static type: a column, a CAST, a typed literal, a date function.</summary>
    bool IsTemporalTyped(Expr e) => IsDateTyped(e) || (e is Expr.Column c ? FindColumn(c) is { DataType: "time" } : Infer(e)?.Type is MySqlColumnType.Time);

    /// <summary>A DATE, DATETIME or TIMESTAMP by its static type (a column or an expression): its value is canonical text.</summary>
    bool IsDateTyped(Expr e) => e is Expr.Column c
        ? FindColumn(c) is { DataType: "date" or "datetime" or "timestamp" }
        : IsTemporal(e);

    void EmitTemporalNumber(Expr e, StringBuilder sb)
    {
        if (!IsTemporalTyped(e))
        {
            EmitExpr(e, sb);
            return;
        }
        sb.Append("__bx_temporal_number(");
        EmitExpr(e, sb);
        sb.Append(')');
    }

    /// <summary>
    /// LIKE under a case- and accent-insensitive collation (<see cref="TextCollation.LikeFunction"/>: 'Émile' LIKE 'em%').
    /// On a text column, the pattern's literal start also bounds the column (<c>__bx_like_prefix</c>), so that an
    /// index on it serves <c>LIKE 'abc%'</c> as SQLite's own LIKE optimisation would.
    /// </summary>
    void EmitLike(Expr.Like lk, StringBuilder sb)
    {
        bool range = lk.Value is Expr.Column c && FindColumn(c) is { IsString: true } && !lk.Not;
        sb.Append(lk.Not ? "(NOT " : "(");
        if (range)
        {
            sb.Append('(');
            EmitExpr(lk.Value, sb);
            sb.Append(" >= __bx_like_prefix(");
            EmitLikeArguments(lk, sb, value: false);
            sb.Append(") AND ");
            EmitExpr(lk.Value, sb);
            // Above the bound only a value with U+10FFFF, or a byte that is not UTF-8, right after the prefix.
            sb.Append(" < __bx_like_prefix(");
            EmitLikeArguments(lk, sb, value: false);
            sb.Append(") || char(1114111)) AND ");
        }
        sb.Append(TextCollation.LikeFunction).Append('(');
        EmitLikeArguments(lk, sb, value: true);
        sb.Append("))");
    }

    void EmitLikeArguments(Expr.Like lk, StringBuilder sb, bool value)
    {
        if (value)
        {
            EmitExpr(lk.Value, sb);
            sb.Append(", ");
        }
        EmitExpr(lk.Pattern, sb);
        sb.Append(", ");
        if (lk.Escape is null)
            sb.Append("'\\'");
        else
            EmitExpr(lk.Escape, sb);
    }

    ColumnInfo? EnumColumn(Expr e) => e is Expr.Column c && FindColumn(c) is { DataType: "enum" } info ? info : null;

    /// <summary>An ENUM column as its index (NULL stays NULL; the empty value of an invalid insert is 0), anything else as itself.</summary>
    void EmitEnumOperand(Expr e, StringBuilder sb)
    {
        if (EnumColumn(e) is not { } info)
        {
            EmitExpr(e, sb);
            return;
        }
        sb.Append("(CASE ");
        EmitExpr(e, sb);
        for (int i = 0; i < info.Values.Count; i++)
            sb.Append(" WHEN ").Append(LiteralSql(info.Values[i])).Append(" THEN ").Append(i + 1);
        sb.Append(" WHEN '' THEN 0 END)");
    }

    ColumnInfo? MemberColumn(Expr e) => e is Expr.Column c && FindColumn(c) is { DataType: "enum" or "set" } info ? info : null;

    /// <summary>An ENUM column as its index, a SET column as its bit mask (member i is bit i), anything else as itself.</summary>
    void EmitMemberOperand(Expr e, StringBuilder sb)
    {
        if (MemberColumn(e) is not { DataType: "set" } info)
        {
            EmitEnumOperand(e, sb);
            return;
        }
        // The stored value lists its members in definition order, separated by commas.
        var column = new StringBuilder();
        EmitExpr(e, column);
        sb.Append("(CASE WHEN ").Append(column).Append(" IS NULL THEN NULL ELSE 0");
        for (int i = 0; i < info.Values.Count; i++)
        {
            sb.Append(" + (instr(',' || ").Append(column).Append(" || ',', ").Append(LiteralSql("," + info.Values[i] + ",")).Append(") > 0) * ")
                .Append(1L << Math.Min(i, 62));
        }
        sb.Append(" END)");
    }

    /// <summary>
    /// The value of BETWEEN or IN: compared with numbers only, a string compares as a number and an ENUM by its index,
    /// as with <c>=</c>.
    /// </summary>
    void EmitNumericOperand(Expr value, IReadOnlyList<Expr> others, StringBuilder sb)
    {
        bool numbers = others.Count > 0 && others.All(IsNumberLiteral);
        if (numbers && EnumColumn(value) is not null)
            EmitEnumOperand(value, sb);
        else
            EmitOperand(value, sb, asNumber: numbers && IsStringOperand(value));
    }

    /// <summary>A string literal, or a column of a character string type (not ENUM or SET, which compare with a number by index).</summary>
    bool IsStringOperand(Expr e) => e is Expr.Literal { Value: string }
        || e is Expr.Column c && FindColumn(c) is { IsString: true, IsBinary: false, DataType: not ("enum" or "set") };

    static bool IsNumberLiteral(Expr e) => e is Expr.Literal { Value: long or ulong or decimal or double } or Expr.Unary { Op: "-", Operand: Expr.Literal { Value: long or ulong or decimal or double } };

    /// <summary>An operand of an operator: ->> compares as the SQL value at the path (MySQL compares the unquoted value).</summary>
    void EmitOperand(Expr e, StringBuilder sb, bool asNumber)
    {
        if (asNumber)
            sb.Append("CAST(");
        if (e is Expr.Function { Args: [var inner] } unquote && unquote.Name.Equals("JSON_UNQUOTE", StringComparison.OrdinalIgnoreCase) && IsJsonExtract(inner))
            EmitExpr(inner, sb);
        else
            EmitExpr(e, sb);
        if (asNumber)
            sb.Append(" AS REAL)");
    }

    /// <summary>True for a value compared under a binary collation: BINARY x, x COLLATE *_bin, or a column of a binary collation.</summary>
    bool IsBinaryString(Expr e) => e switch
    {
        Expr.Collate c => c.Collation.Equals("binary", StringComparison.OrdinalIgnoreCase) || c.Collation.EndsWith("_bin", StringComparison.OrdinalIgnoreCase)
            || c.Collation.EndsWith("_cs", StringComparison.OrdinalIgnoreCase),
        Expr.Column col => FindColumn(col) is { IsString: true } info && CatalogStore.SqliteType(info) == "TEXT" || FindColumn(col) is { IsBinary: true },
        _ => false,
    };

    static Expr Uncollated(Expr e) => e is Expr.Collate c ? c.Value : e;

    /// <summary>
    /// When one side is a DATE/DATETIME/TIMESTAMP/TIME or binary column and the other a value (a literal, a
    /// placeholder, a user variable or a function of those, such as MySqlConnector's <c>timestamp('…')</c>): the
    /// conversion of the value, as (function, extra SQL arguments). A fractional DATETIME/TIME value is written with
    /// the column's digits when that loses nothing, so '…:00' finds the DATETIME(6) '…:00.000000'.
    /// </summary>
    /// <remarks>
    /// A DATE compares with a value as a DATETIME: the value keeps a time of day that is not midnight
    /// (<c>__bx_date_operand</c>), so that <c>d = '2024-01-01 10:00'</c> is false and <c>d &lt; '2024-01-01 00:00:01'</c>
    /// true, and the column stays as it is (its index serves). A temporal expression (CAST … AS DATE, DATE '…',
    /// DATE(…), NOW()) converts a value on the other side the same way; the anchor is the side not converted.
    /// </remarks>
    (string Function, string Arguments)? ValueConversion(Expr left, Expr right) => ValueConversion(left, right, out _);

    (string Function, string Arguments)? ValueConversion(Expr left, Expr right, out Expr? anchor)
    {
        var column = left is Expr.Column lc && IsValue(right) ? FindColumn(lc) : right is Expr.Column rc && IsValue(left) ? FindColumn(rc) : null;
        if (left is Expr.Literal { Value: byte[] } ^ right is Expr.Literal { Value: byte[] }
            && (column is { IsString: true, IsBinary: false } || column is null && (IsStringValue(left) || IsStringValue(right))))
        {
            // A hex literal compared with a character column or string is that string ('abc' = x'616263').
            anchor = left is Expr.Literal { Value: byte[] } ? right : left;
            return ("CAST", " AS TEXT");
        }
        if (column is null)
        {
            anchor = IsTemporal(left) && IsValue(right) && !IsTemporal(right) ? left
                : IsTemporal(right) && IsValue(left) && !IsTemporal(left) ? right : null;
            if (anchor is null)
                return null;
            return Infer(anchor) switch
            {
                null => null,
                { Type: Results.MySqlColumnType.Date } => ("__bx_date_operand", ""),
                { Decimals: var digits } => ("__bx_datetime", ", " + digits),
            };
        }
        anchor = left is Expr.Column ? left : right;
        int fsp = column.Length ?? 0;
        return column.DataType switch
        {
            "date" => ("__bx_date_operand", ""),
            "datetime" or "timestamp" => ("__bx_datetime", fsp == 0 ? "" : ", " + fsp),
            "time" => ("__bx_time", ", " + fsp),
            _ when column.IsBinary => ("CAST", " AS BLOB"),
            _ => null,
        };
    }

    /// <summary>
    /// A hex or bit literal of at most 8 bytes as the unsigned number it spells (written into the SQL text, so a cached
    /// plan serves only this value), or null for anything else.
    /// </summary>
    bool IsNumberOrBit(Expr e) => IsNumberTyped(e) || e is Expr.Column c && FindColumn(c) is { DataType: "bit" };

    Expr.Literal? HexNumber(Expr e)
    {
        if (e is not Expr.Literal { Value: byte[] { Length: > 0 and <= 8 } bytes } lit)
            return null;
        if (lit.Index >= 0)
            _inlined.Add((lit.Index, lit.Value));
        return new Expr.Literal(ValueCoercion.BytesAsNumber(bytes), -1);
    }

    /// <summary>An expression (not a column) whose value is a DATE or DATETIME.</summary>
    bool IsTemporal(Expr e) => e is not Expr.Column && Infer(e)?.Type is Results.MySqlColumnType.Date or Results.MySqlColumnType.DateTime or Results.MySqlColumnType.Timestamp;

    static bool IsValue(Expr e) => e switch
    {
        Expr.Literal { Value: string or long or byte[] } or Expr.Parameter or Expr.UserVariable => true,
        Expr.Function f => s_valueFunctions.Contains(f.Name) && f.Args.All(IsValue),
        _ => false,
    };

    static readonly HashSet<string> s_valueFunctions = new(StringComparer.OrdinalIgnoreCase) { "TIMESTAMP", "DATE", "TIME", "CONCAT" };

    void EmitConvertedOperand(Expr e, (string Function, string Arguments) convert, StringBuilder sb, Expr? anchor = null)
    {
        if (e is Expr.Column || ReferenceEquals(e, anchor))
        {
            EmitExpr(e, sb);
            return;
        }
        sb.Append(convert.Function).Append('(');
        EmitExpr(e, sb);
        sb.Append(convert.Arguments).Append(')');
    }

    /// <summary>A string without a column's collation: a literal, or a string function (CONCAT, SUBSTR, …) of no binary value.</summary>
    bool IsStringValue(Expr e) => e is Expr.Literal { Value: string }
        || e is Expr.Function f && !s_choiceFunctions.Contains(f.Name) && IsTextFunction(f);

    /// <summary>Functions that return one of their arguments, of any type: a string only when that argument is one.</summary>
    static readonly HashSet<string> s_choiceFunctions = new(StringComparer.OrdinalIgnoreCase) { "IFNULL", "COALESCE", "IF", "NULLIF", "ELT", "GREATEST", "LEAST" };

    void EmitCast(Expr.Cast cast, StringBuilder sb)
    {
        switch (cast.Type.Name)
        {
            case "bigint":
                // MySQL rounds numbers (CAST(1.5 AS SIGNED) = 2) and takes a string's integer prefix.
                sb.Append("__bx_to_signed(");
                EmitExpr(cast.Value, sb);
                sb.Append(cast.Type.Unsigned ? ", 1)" : ", 0)");
                return;
            case "char":
                // CHAR(N) keeps the first N characters.
                sb.Append(cast.Type.Length is null ? "CAST(" : "substr(CAST(");
                EmitText(cast.Value, sb);
                sb.Append(" AS TEXT)");
                if (cast.Type.Length is int chars)
                    sb.Append(", 1, ").Append(chars).Append(')');
                return;
            case "binary":
                // BINARY(N) is exactly N bytes: cut, or padded with zero bytes.
                sb.Append(cast.Type.Length is null ? "CAST(" : "__bx_binary_n(CAST(");
                EmitExpr(cast.Value, sb);
                sb.Append(" AS BLOB)");
                if (cast.Type.Length is int bytes)
                    sb.Append(", ").Append(bytes).Append(')');
                return;
            case "decimal":
                sb.Append("__bx_decimal(");
                EmitExpr(cast.Value, sb);
                sb.Append(", ").Append(cast.Type.Length ?? 10).Append(", ").Append(cast.Type.Scale ?? 0).Append(')');
                return;
            case "double" or "float":
                sb.Append("CAST(");
                EmitExpr(cast.Value, sb);
                sb.Append(" AS REAL)");
                return;
            case "datetime":
                // DATETIME(n): rounded to n fraction digits (none without n), as MySQL 8.0 stores and casts.
                sb.Append("__bx_datetime_cast(");
                EmitExpr(cast.Value, sb);
                sb.Append(", ").Append(Math.Clamp(cast.Type.Length ?? 0, 0, 6)).Append(')');
                return;
            case "date" or "time":
                sb.Append("__bx_").Append(cast.Type.Name).Append('(');
                EmitExpr(cast.Value, sb);
                sb.Append(')');
                return;
            case "json":
                EmitExpr(cast.Value, sb);
                return;
            default:
                throw MySqlErrors.NotSupportedYet("CAST AS " + cast.Type.Name.ToUpperInvariant());
        }
    }
}
