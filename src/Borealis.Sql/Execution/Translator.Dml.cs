using System.Text;
using Borealis.Sql.Catalog;
using Borealis.Sql.Errors;
using Borealis.Sql.Syntax;

namespace Borealis.Sql.Execution;

internal sealed partial class Translator
{
    string? _rowAlias;
    Dictionary<string, string>? _rowAliasColumns;

    readonly Dictionary<string, int> _assignedParams = new(StringComparer.OrdinalIgnoreCase);

    TableInfo ResolveWriteTable(TableName name, string user, string host, string verb = "UPDATE")
    {
        string schema = name.Schema ?? _database ?? throw MySqlErrors.NoDatabaseSelected();
        if (schema.Equals("information_schema", StringComparison.OrdinalIgnoreCase))
            throw MySqlErrors.AccessDeniedToDatabase(user, host, "information_schema");
        var table = ResolveTable(name with { Schema = schema });
        if (table.IsView)
            throw verb == "INSERT" ? MySqlErrors.NotInsertable(table.Name) : MySqlErrors.NotUpdatable(table.Name, verb);
        return table;
    }

    public SqlPlan TranslateInsert(Statement.Insert ins, bool strict, string user, string host)
    {
        if (WriteTargetView(ins.Table) is { } view)
            return TranslateInsert(MergeView(ins, view), strict, user, host);
        var table = ResolveWriteTable(ins.Table, user, host, "INSERT");
        List<string>? ignoredGenerated = null;
        if (table.Columns.Any(c => c.IsGenerated))
            ins = WithoutGeneratedColumns(ins, table, strict, out ignoredGenerated);
        var columns = new List<ColumnInfo>();
        if (ins.Columns is null)
        {
            columns.AddRange(table.Columns);
        }
        else
        {
            foreach (var name in ins.Columns)
            {
                var c = table.FindColumn(name) ?? throw MySqlErrors.UnknownColumn(name, "field list");
                if (columns.Contains(c))
                    throw MySqlErrors.ColumnSpecifiedTwice(c.Name);
                columns.Add(c);
            }
        }
        var mode = ins.Replace ? InsertMode.Replace : ins.Ignore ? InsertMode.Ignore : ins.OnDuplicate.Count > 0 ? InsertMode.Upsert : InsertMode.Insert;
        var ai = table.AutoIncrementColumn;
        bool rowidAi = table.RowidAutoIncrement;
        bool aiOmitted = ai is not null && !columns.Contains(ai);
        // A VALUES insert always binds the AUTO_INCREMENT column, so that the session chooses generated ids (InnoDB
        // never gives an id out twice, SQLite's counter rolls back with a failed insert); INSERT … SELECT into a rowid
        // table lets SQLite choose.
        bool aiAppended = aiOmitted && (!rowidAi || ins.Source is null);
        if (aiAppended)
            columns.Add(ai!);
        // Strict mode: a NOT NULL column without a default must be given (1364).
        foreach (var c in table.Columns)
        {
            if (!columns.Contains(c) && c.NotNull && !c.IsGenerated && !c.HasDefault && !c.DefaultNow && !c.AutoIncrement && c != table.RowidColumn)
            {
                if (strict && mode != InsertMode.Ignore)
                    throw MySqlErrors.NoDefaultForField(c.Name);
            }
        }
        // Aliased so that ON DUPLICATE KEY UPDATE can say tbl.col for the existing row.
        string target = table.SqliteQualified + " AS " + SqliteUtil.Quote(ins.Table.Name);
        string columnList = " (" + string.Join(", ", columns.Select(c => SqliteUtil.Quote(c.Name))) + ")";
        // INSERT IGNORE runs a plain INSERT and turns a duplicate key into a warning (so the warning names the key).
        string verb = "INSERT INTO ";
        _scopes.Add([(table.Name, table)]);
        var rows = new List<InsertRow>(ins.Source is null ? ins.Rows.Count : 1);
        var interned = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ins.Source is not null)
        {
            if (mode == InsertMode.Replace)
                verb = "INSERT OR REPLACE INTO ";
            else if (mode == InsertMode.Ignore)
                verb = "INSERT OR IGNORE INTO ";
            var sb = new StringBuilder();
            var query = new StringBuilder();
            var saved = _current;
            var list = new List<ParamSource>();
            _current = list;
            EmitQuery(ins.Source, query, topLevel: false);
            int explicitCount = ins.Columns?.Count ?? table.Columns.Count;
            sb.Append("WITH __bx_src(").Append(string.Join(", ", Enumerable.Range(1, explicitCount).Select(i => "c" + i)))
                .Append(") AS (").Append(query).Append(") ").Append(verb).Append(target).Append(columnList).Append(" SELECT ");
            for (int i = 0; i < columns.Count; i++)
            {
                if (i > 0)
                    sb.Append(", ");
                if (i >= explicitCount)
                    sb.Append("NULL");
                else
                    sb.Append("__bx_coerce(c").Append(i + 1).Append(", ").Append(columns[i].Id).Append(", __bx_row)");
            }
            sb.Append(" FROM (SELECT *, row_number() OVER () AS __bx_row FROM __bx_src) WHERE true");
            EmitUpsert(ins, table, sb);
            EmitViewChecks(sb);
            _current = saved;
            rows.Add(new InsertRow(sb.ToString(), list, null, -1, aiOmitted));
        }
        else
        {
            long rowNumber = 0;
            // One builder for every row, and a row whose text equals the previous row's shares its strings and, when
            // only its literals differ, its parameter list: a statement of many rows of one shape (a bulk load)
            // allocates nothing per row here.
            var sb = new StringBuilder();
            List<ParamSource>? spare = null;
            foreach (var values in ins.Rows)
            {
                rowNumber++;
                int expected = ins.Columns?.Count ?? table.Columns.Count;
                if (values.Count != expected)
                    throw MySqlErrors.WrongValueCountOnRow(rowNumber);
                sb.Clear();
                var list = spare ?? new List<ParamSource>(columns.Count);
                spare = null;
                var saved = _current;
                _current = list;
                int aiParam = -1;
                if (columns.Count == 0)
                {
                    sb.Append(verb).Append(target).Append(" DEFAULT VALUES");
                    EmitViewChecks(sb);
                    _current = saved;
                    rows.Add(new InsertRow(sb.ToString(), list, mode == InsertMode.Replace ? "INSERT OR REPLACE" + sb.ToString()["INSERT".Length..] : null, -1, aiOmitted));
                    continue;
                }
                sb.Append(verb).Append(target).Append(columnList).Append(" VALUES (");
                for (int i = 0; i < columns.Count; i++)
                {
                    if (i > 0)
                        sb.Append(", ");
                    var c = columns[i];
                    var e = i < values.Count ? values[i] : null;
                    if (e is null)
                    {
                        // The AUTO_INCREMENT column, appended above.
                        aiParam = list.Count;
                        Param(new ParamSource(ParamKind.AutoIncrement, Target: c), sb);
                        continue;
                    }
                    if (c == ai && e is Expr.Default or Expr.Literal { Value: null })
                    {
                        aiParam = list.Count;
                        Param(new ParamSource(ParamKind.AutoIncrement, Target: c), sb);
                        continue;
                    }
                    switch (e)
                    {
                        case Expr.Default:
                            sb.Append(c.AutoIncrement ? "NULL" : CatalogStore.DefaultSql(c));
                            break;
                        case Expr.Literal { Value: null }:
                            sb.Append("NULL");
                            break;
                        case Expr.Literal { Index: >= 0 } lit:
                            if (c == ai)
                                aiParam = list.Count;
                            Param(new ParamSource(ParamKind.Literal, lit.Index, Target: c), sb);
                            break;
                        case Expr.Unary { Op: "-", Operand: Expr.Literal { Value: not null, Index: >= 0 } neg }:
                            if (c == ai)
                                aiParam = list.Count;
                            Param(new ParamSource(ParamKind.Literal, neg.Index, Target: c, Negate: true), sb);
                            break;
                        case Expr.Parameter p:
                            if (c == ai)
                                aiParam = list.Count;
                            Param(new ParamSource(ParamKind.Placeholder, p.Index, Target: c), sb);
                            break;
                        default:
                            sb.Append("__bx_coerce(");
                            EmitExpr(e, sb);
                            sb.Append(", ").Append(c.Id).Append(')');
                            break;
                    }
                }
                sb.Append(')');
                EmitUpsert(ins, table, sb);
                EmitViewChecks(sb);
                _current = saved;
                string sql;
                string? replaceSql;
                if (rows.Count > 0 && sb.Equals(rows[^1].Sql.AsSpan()))
                {
                    (sql, replaceSql) = (rows[^1].Sql, rows[^1].ReplaceSql);
                    if (LiteralShift(rows[^1].Params, list) is int shift)
                    {
                        list.Clear();
                        spare = list;
                        rows.Add(new InsertRow(sql, rows[^1].Params, replaceSql, aiParam, AutoIncrementOmitted: false, shift));
                        continue;
                    }
                }
                else
                {
                    sql = sb.ToString();
                    if (interned.TryGetValue(sql, out var existing))
                        sql = existing;
                    else
                        interned[sql] = sql;
                    replaceSql = mode == InsertMode.Replace ? "INSERT OR REPLACE" + sql["INSERT".Length..] : null;
                }
                rows.Add(new InsertRow(sql, list, replaceSql, aiParam, AutoIncrementOmitted: false));
            }
        }
        _scopes.RemoveAt(_scopes.Count - 1);
        return new SqlPlan
        {
            Kind = PlanKind.Insert,
            CatalogVersion = _catalog.Version,
            Table = table,
            Rows = rows,
            Mode = mode,
            Inlined = _inlined,
            TracksChanges = mode == InsertMode.Upsert,
            IgnoredGenerated = ignoredGenerated,
        };
    }

    void EmitUpsert(Statement.Insert ins, TableInfo table, StringBuilder sb)
    {
        if (ins.OnDuplicate.Count == 0)
            return;
        sb.Append(" ON CONFLICT DO UPDATE SET ");
        if (ins.RowAlias is not null)
        {
            // The row alias names the proposed row: SQLite's "excluded".
            _rowAlias = ins.RowAlias;
            _rowAliasColumns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var targets = ins.Columns ?? table.Columns.Select(c => c.Name).ToList();
            if (ins.RowAliasColumns is { } aliases)
            {
                if (aliases.Count != targets.Count)
                    throw MySqlErrors.WrongValueCountOnRow(1);
                for (int i = 0; i < aliases.Count; i++)
                    _rowAliasColumns[aliases[i]] = targets[i];
            }
        }
        AllowValues(true);
        try
        {
            EmitAssignments(ins.OnDuplicate, table, sb);
        }
        finally
        {
            AllowValues(false);
            _rowAlias = null;
            _rowAliasColumns = null;
        }
    }

    /// <summary>
    /// How far <paramref name="row"/>'s literal indexes are from <paramref name="template"/>'s when the two differ in
    /// nothing else (the next row of a bulk VALUES list); null otherwise.
    /// </summary>
    static int? LiteralShift(List<ParamSource> template, List<ParamSource> row)
    {
        if (template.Count != row.Count)
            return null;
        int? shift = null;
        for (int i = 0; i < row.Count; i++)
        {
            var (t, r) = (template[i], row[i]);
            if (t.Kind != r.Kind || !ReferenceEquals(t.Target, r.Target) || t.Negate != r.Negate || t.Name != r.Name || t.Global != r.Global)
                return null;
            if (r.Kind != ParamKind.Literal)
            {
                if (r.Index != t.Index)
                    return null;
                continue;
            }
            shift ??= r.Index - t.Index;
            if (r.Index - t.Index != shift)
                return null;
        }
        return shift ?? 0;
    }

    void EmitAssignments(IReadOnlyList<Assignment> assignments, TableInfo table, StringBuilder sb, string rowid = "rowid")
    {
        int emitted = 0;
        // One table's assignments run left to right in MySQL: a later one reads the value an earlier one stored
        // (SET a = a + 1, b = a gives b the new a). SQLite reads the old row, so such a reference gets the earlier
        // value again, converted to its column. (The order of a multi-table UPDATE's assignments is not defined.)
        bool leftToRight = rowid == "rowid";
        if (leftToRight)
        {
            _assignedValues = [];
            _assignedDepth = _scopes.Count;
        }
        for (int i = 0; i < assignments.Count; i++)
        {
            var a = assignments[i];
            var c = table.FindColumn(a.Target.Name) ?? throw MySqlErrors.UnknownColumn(a.Target.Name, "field list");
            if (c.IsGenerated)
            {
                // SET g = DEFAULT leaves a generated column to its expression, as in MySQL; any other value is 3105,
                // and so is an UPDATE that would set nothing else.
                if (a.Value is not Expr.Default || i == assignments.Count - 1 && emitted == 0)
                    throw MySqlErrors.GeneratedColumnValue(c.Name, table.Name);
                continue;
            }
            if (emitted++ > 0)
                sb.Append(", ");
            sb.Append(SqliteUtil.Quote(c.Name)).Append(" = __bx_set(").Append(rowid).Append(", ").Append(rowid == "rowid" ? "" : rowid[..rowid.LastIndexOf('.')] + ".")
                .Append(SqliteUtil.Quote(c.Name)).Append(", ");
            // X'20' or b'111' for a numeric column is the number its bytes spell, as in MySQL.
            var value = ValueCoercion.IsNumeric(c) ? HexNumber(a.Value) ?? a.Value : a.Value;
            if (value is Expr.Literal { Index: >= 0 } or Expr.Parameter)
                _assignedParams[c.Name] = _current.Count;
            if (value is Expr.Default)
                sb.Append(CatalogStore.DefaultSql(c));
            else
                EmitExpr(value, sb);
            sb.Append(", ").Append(c.Id).Append(')');
            _assignedValues?.Add((c, value));
        }
        _assignedValues = null;
    }

    /// <summary>A single-table UPDATE's assignments so far, in order (see <see cref="EmitAssignments"/>).</summary>
    List<(ColumnInfo Column, Expr Value)>? _assignedValues;

    /// <summary>The scope depth of the UPDATE whose assignments <see cref="_assignedValues"/> holds (not a subquery's).</summary>
    int _assignedDepth;

    /// <summary>The single-table UPDATE's alias, for references from its subqueries (null: an upsert's, not followed).</summary>
    string? _assignedAlias;

    /// <summary>
    /// A reference to a column an earlier assignment set: that assignment's value again (its own references to even
    /// earlier ones substituted in turn, never to itself), converted to the column as it was stored.
    /// </summary>
    bool TryEmitAssigned(Expr.Column reference, ColumnInfo column, StringBuilder sb)
    {
        if (_assignedValues is not { } assigned || ScopeOf(reference) != _assignedDepth - 1)
            return false;
        int i = assigned.FindLastIndex(x => ReferenceEquals(x.Column, column));
        if (i < 0)
            return false;
        var value = assigned[i].Value;
        if (_scopes.Count != _assignedDepth)
        {
            // A correlated subquery's reference: the value is written there, its columns named by the UPDATE's alias
            // so that the subquery's own tables do not capture them.
            if (_assignedAlias is not { } alias)
                return false;
            var table = _scopes[_assignedDepth - 1][0].Table;
            value = Rewrite(value, node => node is Expr.Column { Table: null } c && table.FindColumn(c.Name) is not null ? c with { Table = alias } : null);
        }
        _assignedValues = assigned.GetRange(0, i);
        try
        {
            sb.Append("__bx_coerce_quiet(");
            if (value is Expr.Default)
                sb.Append(CatalogStore.DefaultSql(column));
            else
                EmitExpr(value, sb);
            sb.Append(", ").Append(column.Id).Append(')');
        }
        finally
        {
            _assignedValues = assigned;
        }
        return true;
    }

    /// <summary>
    /// An INSERT into a table with generated columns: a generated column may be named only to take DEFAULT (3105
    /// otherwise, and always for INSERT … SELECT); it is then left out, for SQLite computes it. Without strict mode a
    /// value is ignored with a warning, as MariaDB does: mariadb-dump writes generated columns' values into its
    /// INSERTs and restores them with sql_mode NO_AUTO_VALUE_ON_ZERO.
    /// </summary>
    static Statement.Insert WithoutGeneratedColumns(Statement.Insert ins, TableInfo table, bool strict, out List<string>? ignored)
    {
        ignored = null;
        var names = ins.Columns ?? table.Columns.Select(c => c.Name).ToList();
        var generated = new List<int>();
        for (int i = 0; i < names.Count; i++)
        {
            if (table.FindColumn(names[i]) is { IsGenerated: true })
                generated.Add(i);
        }
        if (generated.Count == 0 || ins.Rows.Any(r => r.Count != names.Count))
            return ins;
        var first = table.FindColumn(names[generated[0]])!;
        if (ins.Source is not null)
            throw MySqlErrors.GeneratedColumnValue(first.Name, table.Name);
        foreach (var row in ins.Rows)
        {
            foreach (int i in generated)
            {
                if (row[i] is Expr.Default)
                    continue;
                string name = table.FindColumn(names[i])!.Name;
                if (strict)
                    throw MySqlErrors.GeneratedColumnValue(name, table.Name);
                if (!(ignored ??= []).Contains(name))
                    ignored.Add(name);
            }
        }
        bool Kept(int i) => !generated.Contains(i);
        return ins with
        {
            Columns = names.Where((_, i) => Kept(i)).ToList(),
            Rows = ins.Rows.Select(r => (IReadOnlyList<Expr>)r.Where((_, i) => Kept(i)).ToArray()).ToList(),
        };
    }

    /// <summary>TIMESTAMP/DATETIME ... ON UPDATE CURRENT_TIMESTAMP: set to now when an assignment changes the row.</summary>
    void EmitOnUpdateNow(IReadOnlyList<Assignment> assignments, TableInfo table, StringBuilder sb)
    {
        foreach (var c in table.Columns)
        {
            if (!c.OnUpdateNow || assignments.Any(a => a.Target.Name.Equals(c.Name, StringComparison.OrdinalIgnoreCase)))
                continue;
            sb.Append(", ").Append(SqliteUtil.Quote(c.Name)).Append(" = CASE WHEN ");
            for (int i = 0; i < assignments.Count; i++)
            {
                var target = table.FindColumn(assignments[i].Target.Name)!;
                if (i > 0)
                    sb.Append(" OR ");
                sb.Append('(').Append(SqliteUtil.Quote(target.Name)).Append(" IS NOT __bx_coerce(");
                if (assignments[i].Value is Expr.Default)
                    sb.Append(CatalogStore.DefaultSql(target));
                else
                    EmitExpr(assignments[i].Value, sb);
                sb.Append(", ").Append(target.Id).Append("))");
            }
            sb.Append(" THEN ").Append(c.Length is int f && f > 0 ? "strftime('%Y-%m-%d %H:%M:%f','now','localtime')" : "datetime('now','localtime')")
                .Append(" ELSE ").Append(SqliteUtil.Quote(c.Name)).Append(" END");
        }
    }

    public SqlPlan TranslateUpdate(Statement.Update up, string user, string host)
    {
        if (up.Table is TableSource.Join join)
            return TranslateMultiUpdate(up, join, user, host);
        if (up.Table is not TableSource.Table t)
            throw MySqlErrors.NotSupportedYet("UPDATE of a derived table");
        if (WriteTargetView(t.Name) is { } view)
            return TranslateUpdate(MergeView(up, t, view), user, host);
        var table = ResolveWriteTable(t.Name, user, host);
        string alias = t.Alias ?? t.Name.Name;
        _scopes.Add([(alias, table)]);
        var sb = new StringBuilder();
        sb.Append(up.Ignore ? "UPDATE OR IGNORE " : "UPDATE ").Append(table.SqliteQualified)
            .Append(" AS ").Append(SqliteUtil.Quote(alias)).Append(" SET ");
        _assignedAlias = alias;
        EmitAssignments(up.Assignments, table, sb);
        _assignedAlias = null;
        EmitOnUpdateNow(up.Assignments, table, sb);
        EmitWriteFilter(table, alias, up.Where, up.OrderBy, up.Limit, sb);
        EmitViewChecks(sb);
        _scopes.RemoveAt(_scopes.Count - 1);
        return new SqlPlan
        {
            Kind = PlanKind.Update,
            CatalogVersion = _catalog.Version,
            Sql = sb.ToString(),
            Params = _params,
            Inlined = _inlined,
            Table = table,
            TracksChanges = true,
            AssignedParams = _assignedParams,
        };
    }

    /// <summary>UPDATE t1 JOIN t2 ON ... SET t1.c = ...: SQLite's UPDATE ... FROM, inner joins only, one updated table.</summary>
    SqlPlan TranslateMultiUpdate(Statement.Update up, TableSource.Join join, string user, string host)
    {
        if (up.OrderBy.Count > 0 || up.Limit is not null)
            throw MySqlErrors.WrongUsage("UPDATE", "ORDER BY");
        var tables = new List<TableSource>();
        var conditions = new List<Expr>();
        Flatten(join, tables, conditions);
        var named = new List<(string Alias, TableInfo Table, TableSource.Table Source)>();
        foreach (var source in tables)
        {
            if (source is not TableSource.Table t)
                throw MySqlErrors.NotSupportedYet("multi-table UPDATE with derived tables");
            named.Add((t.Alias ?? t.Name.Name, ResolveWriteTable(t.Name, user, host), t));
        }
        string? targetAlias = null;
        foreach (var a in up.Assignments)
        {
            string alias = a.Target.Table ?? named.SingleOrDefault(n => n.Table.FindColumn(a.Target.Name) is not null).Alias
                ?? throw MySqlErrors.UnknownColumn(a.Target.Name, "field list");
            if (targetAlias is not null && !targetAlias.Equals(alias, StringComparison.OrdinalIgnoreCase))
                throw MySqlErrors.NotSupportedYet("UPDATE of several tables in one statement");
            targetAlias = alias;
        }
        var target = named.FirstOrDefault(n => n.Alias.Equals(targetAlias, StringComparison.OrdinalIgnoreCase));
        if (target.Table is null)
            throw MySqlErrors.UnknownTableInList(targetAlias ?? "", "MULTI UPDATE");
        _scopes.Add(named.Select(n => (n.Alias, n.Table)).ToList());
        var sb = new StringBuilder();
        sb.Append(up.Ignore ? "UPDATE OR IGNORE " : "UPDATE ").Append(target.Table.SqliteQualified)
            .Append(" AS ").Append(SqliteUtil.Quote(target.Alias)).Append(" SET ");
        var unqualified = up.Assignments.Select(a => new Assignment(a.Target with { Table = null, Schema = null }, a.Value)).ToList();
        EmitAssignments(unqualified, target.Table, sb, SqliteUtil.Quote(target.Alias) + ".rowid");
        var others = named.Where(n => n != target).ToList();
        if (others.Count > 0)
        {
            sb.Append(" FROM ");
            for (int i = 0; i < others.Count; i++)
            {
                if (i > 0)
                    sb.Append(", ");
                sb.Append(others[i].Table.SqliteQualified).Append(" AS ").Append(SqliteUtil.Quote(others[i].Alias));
            }
        }
        var filters = conditions.ToList();
        if (up.Where is not null)
            filters.Add(up.Where);
        for (int i = 0; i < filters.Count; i++)
        {
            sb.Append(i == 0 ? " WHERE (" : " AND (");
            EmitExpr(filters[i], sb);
            sb.Append(')');
        }
        _scopes.RemoveAt(_scopes.Count - 1);
        return new SqlPlan
        {
            Kind = PlanKind.Update,
            CatalogVersion = _catalog.Version,
            Sql = sb.ToString(),
            Params = _params,
            Inlined = _inlined,
            Table = target.Table,
            TracksChanges = true,
            AssignedParams = _assignedParams,
        };
    }

    static void Flatten(TableSource source, List<TableSource> tables, List<Expr> conditions)
    {
        if (source is TableSource.Join j)
        {
            if (j.Kind is not ("INNER" or "CROSS") || j.Using is not null)
                throw MySqlErrors.NotSupportedYet("multi-table UPDATE with outer joins or USING");
            Flatten(j.Left, tables, conditions);
            Flatten(j.Right, tables, conditions);
            if (j.On is not null)
                conditions.Add(j.On);
            return;
        }
        tables.Add(source);
    }

    public SqlPlan TranslateDelete(Statement.Delete del, string user, string host)
    {
        if (del.Source is not null)
            return TranslateMultiDelete(del, user, host);
        if (WriteTargetView(del.Table) is { } view)
            return TranslateDelete(MergeView(del, view), user, host);
        var table = ResolveWriteTable(del.Table, user, host, "DELETE");
        string alias = del.Alias ?? del.Table.Name;
        _scopes.Add([(alias, table)]);
        var sb = new StringBuilder();
        sb.Append("DELETE FROM ").Append(table.SqliteQualified).Append(" AS ").Append(SqliteUtil.Quote(alias));
        EmitWriteFilter(table, alias, del.Where, del.OrderBy, del.Limit, sb);
        _scopes.RemoveAt(_scopes.Count - 1);
        return new SqlPlan
        {
            Kind = PlanKind.Delete,
            CatalogVersion = _catalog.Version,
            Sql = sb.ToString(),
            Params = _params,
            Inlined = _inlined,
            Table = table,
        };
    }

    /// <summary>DELETE t1 FROM t1 JOIN t2 ...: delete the target rows the joined query selects.</summary>
    SqlPlan TranslateMultiDelete(Statement.Delete del, string user, string host)
    {
        string targetName = del.Table.Name;
        TableInfo? table = null;
        string? alias = null;
        void Find(TableSource s)
        {
            switch (s)
            {
                case TableSource.Table t when (t.Alias ?? t.Name.Name).Equals(targetName, StringComparison.OrdinalIgnoreCase)
                    && (del.Table.Schema is null || t.Alias is not null || string.Equals(t.Name.Schema ?? _database, del.Table.Schema, StringComparison.OrdinalIgnoreCase)):
                    table = ResolveWriteTable(t.Name, user, host, "DELETE");
                    alias = t.Alias ?? t.Name.Name;
                    break;
                case TableSource.Join j:
                    Find(j.Left);
                    Find(j.Right);
                    break;
            }
        }
        Find(del.Source!);
        if (table is null || alias is null)
            throw MySqlErrors.UnknownTableInList(targetName, "MULTI DELETE");
        var from = new StringBuilder();
        _scopes.Add([]);
        EmitTableSource(del.Source!, from);
        var sb = new StringBuilder();
        sb.Append("DELETE FROM ").Append(table.SqliteQualified).Append(" WHERE rowid IN (SELECT ")
            .Append(SqliteUtil.Quote(alias)).Append(".rowid FROM ").Append(from);
        if (del.Where is not null)
        {
            sb.Append(" WHERE ");
            EmitExpr(del.Where, sb);
        }
        sb.Append(')');
        _scopes.RemoveAt(_scopes.Count - 1);
        return new SqlPlan
        {
            Kind = PlanKind.Delete,
            CatalogVersion = _catalog.Version,
            Sql = sb.ToString(),
            Params = _params,
            Inlined = _inlined,
            Table = table,
        };
    }

    void EmitWriteFilter(TableInfo table, string alias, Expr? where, IReadOnlyList<OrderItem> orderBy, Expr? limit, StringBuilder sb)
    {
        if (orderBy.Count == 0 && limit is null)
        {
            if (where is not null)
            {
                sb.Append(" WHERE ");
                EmitExpr(where, sb);
            }
            return;
        }
        // SQLite has no UPDATE/DELETE ... ORDER BY ... LIMIT: select the rowids first.
        sb.Append(" WHERE rowid IN (SELECT rowid FROM ").Append(table.SqliteQualified).Append(" AS ").Append(SqliteUtil.Quote(alias));
        if (where is not null)
        {
            sb.Append(" WHERE ");
            EmitExpr(where, sb);
        }
        EmitOrderLimit(orderBy, limit, null, sb);
        sb.Append(')');
    }
}
