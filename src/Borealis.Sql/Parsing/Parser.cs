using System.Globalization;
using Borealis.Sql.Errors;
using Borealis.Sql.Syntax;

namespace Borealis.Sql.Parsing;

/// <summary>
/// Recursive-descent parser of one MySQL statement (tokens from <see cref="Lexer"/>, without the ';').
/// Errors are 1064 with MySQL's "near '...' at line N", or 1235 for statements recognised but not supported.
/// </summary>
internal sealed partial class Parser
{
    readonly string _sql;
    readonly List<Token> _tokens;
    int _pos;
    int _parameters;
    readonly List<CheckSpec> _checks = [];
    readonly List<ForeignKeySpec> _foreignKeys = [];

    // The statement's literal values when the caller has them (StatementText.LiteralValues), so that each literal is
    // converted and boxed once, not again for the syntax tree.
    readonly object?[]? _literals;

    Parser(string sql, List<Token> tokens, object?[]? literals)
    {
        _sql = sql;
        _tokens = tokens;
        _literals = literals;
    }

    /// <summary>Number of '?' placeholders seen.</summary>
    public int ParameterCount => _parameters;

    /// <summary>Parses the tokens of one statement (ending with an End token).</summary>
    /// <param name="literals">The statement's literal values from <see cref="StatementText.LiteralValues"/>, if at hand.</param>
    public static Statement Parse(string sql, List<Token> tokens, out int parameterCount, object?[]? literals = null)
    {
        var parser = new Parser(sql, tokens, literals);
        var statement = parser.ParseStatement();
        if (parser.Peek.Kind != TokenKind.End)
            throw parser.Error();
        parameterCount = parser._parameters;
        return statement;
    }

    Token Peek => _tokens[_pos];

    bool? _assignsVariables;

    /// <summary>The statement has <c>@name :=</c> somewhere: its user variables change while it runs.</summary>
    bool AssignsVariables => _assignsVariables ??= _tokens.Where((t, i) => t.Kind == TokenKind.UserVariable && i + 1 < _tokens.Count && _tokens[i + 1].IsOp(":=")).Any();

    Token PeekAt(int offset) => _tokens[Math.Min(_pos + offset, _tokens.Count - 1)];

    Token Next() => _tokens[_pos < _tokens.Count - 1 ? _pos++ : _pos];

    MySqlErrorException Error()
    {
        var t = Peek;
        return MySqlErrors.Syntax(Lexer.Near(_sql, t.Start), t.Line);
    }

    bool Accept(string keyword)
    {
        if (Peek.Is(keyword))
        {
            _pos++;
            return true;
        }
        return false;
    }

    bool AcceptOp(string op)
    {
        if (Peek.IsOp(op))
        {
            _pos++;
            return true;
        }
        return false;
    }

    void Expect(string keyword)
    {
        if (!Accept(keyword))
            throw Error();
    }

    void ExpectOp(string op)
    {
        if (!AcceptOp(op))
            throw Error();
    }

    bool AcceptSequence(params string[] keywords)
    {
        for (int i = 0; i < keywords.Length; i++)
        {
            if (!PeekAt(i).Is(keywords[i]))
                return false;
        }
        _pos += keywords.Length;
        return true;
    }

    /// <summary>An identifier (quoted or not). Reserved words that cannot be names are refused where it matters.</summary>
    string Identifier()
    {
        var t = Peek;
        if (t.Kind == TokenKind.QuotedIdentifier || (t.Kind == TokenKind.Identifier && !IsReserved(t.Text)))
        {
            _pos++;
            return t.Text;
        }
        // MySQL accepts "double-quoted" names nowhere by default (they are strings), except some option values.
        throw Error();
    }

    bool PeekIdentifier => Peek.Kind == TokenKind.QuotedIdentifier || (Peek.Kind == TokenKind.Identifier && !IsReserved(Peek.Text));

    /// <summary>An identifier or a string (names of savepoints, charsets, option values).</summary>
    string Name()
    {
        var t = Peek;
        if (t.Kind is TokenKind.Identifier or TokenKind.QuotedIdentifier or TokenKind.String)
        {
            _pos++;
            return t.Text;
        }
        throw Error();
    }

    /// <summary>
    /// ANALYZE / OPTIMIZE / REPAIR [NO_WRITE_TO_BINLOG | LOCAL] TABLE t, … and CHECK TABLE t, … [options]; the options
    /// (QUICK, EXTENDED, USE_FRM, FOR UPGRADE, …) change nothing here.
    /// </summary>
    Statement ParseTableMaintenance(string op)
    {
        if (op != "check" && !Accept("NO_WRITE_TO_BINLOG"))
            Accept("LOCAL");
        if (!Accept("TABLE"))
            Expect("TABLES");
        var tables = new List<TableName>();
        do
            tables.Add(TableName());
        while (AcceptOp(","));
        while (Peek.Kind == TokenKind.Identifier)
            Next();
        return new Statement.TableMaintenance(op, tables);
    }

    TableName TableName()
    {
        string first = Identifier();
        if (Peek.IsOp(".") && PeekAt(1).Kind is TokenKind.Identifier or TokenKind.QuotedIdentifier)
        {
            _pos++;
            string second = Next().Text;
            return new TableName(first, second);
        }
        return new TableName(null, first);
    }

    static readonly HashSet<string> s_reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "ADD", "ALL", "ALTER", "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "CHECK", "COLLATE", "COLUMN", "CONSTRAINT",
        "CREATE", "CROSS", "DEFAULT", "DELETE", "DESC", "DISTINCT", "DIV", "DROP", "ELSE", "END", "EXCEPT", "EXISTS", "FALSE",
        "FOR", "FOREIGN", "FROM", "GROUP", "HAVING", "IN", "INDEX", "INNER", "INSERT", "INTERSECT", "INTERVAL", "INTO", "IS", "JOIN",
        "KEY", "LEFT", "LIKE", "LIMIT", "MOD", "NATURAL", "NOT", "NULL", "ON", "OR", "ORDER", "OUTER", "PRIMARY",
        "REFERENCES", "REGEXP", "RIGHT", "RLIKE", "SELECT", "SET", "STRAIGHT_JOIN", "TABLE", "THEN", "TO", "TRUE",
        "UNION", "UNIQUE", "UPDATE", "USING", "VALUES", "WHEN", "WHERE", "WITH", "XOR", "OFFSET_IS_NOT_RESERVED",
    };

    static bool IsReserved(string word) => s_reserved.Contains(word) && !word.Equals("OFFSET_IS_NOT_RESERVED", StringComparison.Ordinal);

    Statement ParseStatement()
    {
        var t = Peek;
        if (t.IsOp("("))
            return new Statement.SelectStatement(ParseQuery());
        if (t.Kind != TokenKind.Identifier)
            throw Error();
        switch (t.Text.ToUpperInvariant())
        {
            case "SELECT":
                return new Statement.SelectStatement(ParseQuery());
            case "WITH":
                return new Statement.SelectStatement(ParseQuery());
            case "INSERT":
            case "REPLACE":
                return ParseInsert();
            case "UPDATE":
                return ParseUpdate();
            case "DELETE":
                return ParseDelete();
            case "CREATE":
                return ParseCreate();
            case "DROP" when PeekAt(1).Is("PREPARE"):
            case "DEALLOCATE":
                _pos++;
                Expect("PREPARE");
                return new Statement.DeallocateNamed(Identifier());
            case "PREPARE":
                {
                    _pos++;
                    string name = Identifier();
                    Expect("FROM");
                    if (Peek.Kind is not (TokenKind.String or TokenKind.UserVariable))
                        throw Error();
                    return new Statement.PrepareNamed(name, ParseExpr());
                }
            case "EXECUTE":
                {
                    _pos++;
                    string name = Identifier();
                    var variables = new List<Expr.UserVariable>();
                    if (Accept("USING"))
                    {
                        do
                        {
                            if (Peek.Kind != TokenKind.UserVariable)
                                throw Error();
                            variables.Add(new Expr.UserVariable(Next().Text));
                        }
                        while (AcceptOp(","));
                    }
                    return new Statement.ExecuteNamed(name, variables);
                }
            case "DROP":
                return ParseDrop();
            case "ALTER":
                return ParseAlter();
            case "RENAME":
                return ParseRename();
            case "TRUNCATE":
                _pos++;
                Accept("TABLE");
                return new Statement.Truncate(TableName());
            case "USE":
                _pos++;
                return new Statement.Use(Identifier());
            case "BEGIN":
                _pos++;
                Accept("WORK");
                return new Statement.Transaction("BEGIN");
            case "START":
                _pos++;
                Expect("TRANSACTION");
                bool readOnly = false;
                while (Peek.Kind == TokenKind.Identifier)
                {
                    if (AcceptSequence("READ", "ONLY"))
                    {
                        readOnly = true;
                        AcceptOp(",");
                        continue;
                    }
                    if (AcceptSequence("WITH", "CONSISTENT", "SNAPSHOT") || AcceptSequence("READ", "WRITE"))
                    {
                        AcceptOp(",");
                        continue;
                    }
                    break;
                }
                return new Statement.Transaction(readOnly ? "BEGIN READ ONLY" : "BEGIN");
            case "COMMIT":
                _pos++;
                Accept("WORK");
                SkipChainRelease();
                return new Statement.Transaction("COMMIT");
            case "ROLLBACK":
                _pos++;
                Accept("WORK");
                if (Accept("TO"))
                {
                    Accept("SAVEPOINT");
                    return new Statement.Transaction("ROLLBACK TO", Identifier());
                }
                SkipChainRelease();
                return new Statement.Transaction("ROLLBACK");
            case "SAVEPOINT":
                _pos++;
                return new Statement.Transaction("SAVEPOINT", Identifier());
            case "RELEASE":
                _pos++;
                Expect("SAVEPOINT");
                return new Statement.Transaction("RELEASE", Identifier());
            case "SET":
                return ParseSet();
            case "SHOW":
                return ParseShow();
            case "DESCRIBE":
            case "DESC":
            case "EXPLAIN":
                _pos++;
                if (Peek.Is("ANALYZE"))
                    throw MySqlErrors.NotSupportedYet("EXPLAIN ANALYZE");
                if (Accept("FORMAT"))
                {
                    ExpectOp("=");
                    if (!Accept("TRADITIONAL"))
                        throw MySqlErrors.NotSupportedYet("EXPLAIN FORMAT=" + Peek.Text.ToUpperInvariant());
                }
                if (Peek.Is("SELECT") || Peek.Is("WITH") || Peek.Is("UPDATE") || Peek.Is("DELETE") || Peek.Is("INSERT") || Peek.Is("REPLACE") || Peek.IsOp("("))
                    return new Statement.Explain(ParseStatement());
                {
                    var table = TableName();
                    string? like = null;
                    if (Peek.Kind is TokenKind.Identifier or TokenKind.QuotedIdentifier or TokenKind.String)
                        like = Next().Text;
                    return new Statement.Show("columns") { Table = table, Like = like };
                }
            case "LOCK":
            case "UNLOCK":
            case "FLUSH":
            case "DO":
                _pos = _tokens.Count - 1;
                return new Statement.NoOp(t.Text.ToUpperInvariant());
            case "ANALYZE":
            case "OPTIMIZE":
            case "CHECK":
            case "REPAIR":
                _pos++;
                return ParseTableMaintenance(t.Text.ToLowerInvariant());
            case "GRANT":
            case "REVOKE":
            case "CALL":
            case "HANDLER":
            case "LOAD":
            case "XA":
            case "KILL":
            case "CHECKSUM":
            case "INSTALL":
            case "UNINSTALL":
            case "RESET":
            case "PURGE":
            case "CHANGE":
            case "STOP":
            case "IMPORT":
            case "CLONE":
            case "SIGNAL":
            case "RESIGNAL":
            case "TABLE":
            case "VALUES":
                throw MySqlErrors.NotSupportedYet(t.Text.ToUpperInvariant());
            default:
                throw Error();
        }
    }

    void SkipChainRelease()
    {
        if (AcceptSequence("AND", "NO", "CHAIN") || AcceptSequence("AND", "CHAIN"))
        {
        }
        if (!AcceptSequence("NO", "RELEASE"))
            Accept("RELEASE");
    }

    // ---- SELECT ----

    Query ParseQuery()
    {
        if (Accept("WITH"))
        {
            bool recursive = Accept("RECURSIVE");
            var ctes = new List<CommonTable>();
            do
            {
                string name = Identifier();
                List<string>? columns = null;
                if (AcceptOp("("))
                {
                    columns = [];
                    do
                    {
                        columns.Add(Identifier());
                    }
                    while (AcceptOp(","));
                    ExpectOp(")");
                }
                Expect("AS");
                ExpectOp("(");
                var body = ParseQuery();
                ExpectOp(")");
                ctes.Add(new CommonTable(name, columns, body));
            }
            while (AcceptOp(","));
            var main = ParseQueryWithoutWith();
            return main with { With = ctes, Recursive = recursive };
        }
        return ParseQueryWithoutWith();
    }

    Query ParseQueryWithoutWith()
    {
        Query? trailing = null;
        var left = ParseIntersection(rightOperand: false, ref trailing);
        while (Peek.Is("UNION") || Peek.Is("EXCEPT"))
        {
            string op = Next().Text.ToUpperInvariant();
            bool all = CompoundAll(op);
            var right = ParseIntersection(rightOperand: true, ref trailing);
            left = new Query.Union(left, right, all, op);
        }
        if (left is Query.Union)
        {
            var order = ParseOrderByOpt();
            var (limit, offset) = ParseLimitOpt();
            if (trailing is not null && order.Count == 0 && limit is null)
                (order, limit, offset) = (trailing.OrderBy, trailing.Limit, trailing.Offset);
            left = left with { OrderBy = order, Limit = limit, Offset = offset };
        }
        return left;
    }

    /// <summary>Members joined by INTERSECT, which binds tighter than UNION and EXCEPT (MySQL 8.0).</summary>
    Query ParseIntersection(bool rightOperand, ref Query? trailing)
    {
        var left = ParseCompoundMember(rightOperand, ref trailing);
        while (Peek.Is("INTERSECT"))
        {
            _pos++;
            bool all = CompoundAll("INTERSECT");
            var right = ParseCompoundMember(strip: true, ref trailing);
            left = new Query.Union(left, right, all, "INTERSECT");
        }
        return left;
    }

    /// <summary>
    /// A member of a compound query. ORDER BY / LIMIT after the last unparenthesized SELECT of a compound apply to the
    /// whole compound (MySQL): a right operand's are moved to <paramref name="trailing"/>; the last one's are kept.
    /// </summary>
    Query ParseCompoundMember(bool strip, ref Query? trailing)
    {
        bool parenthesized = Peek.IsOp("(");
        var term = ParseQueryTerm();
        if (!strip)
            return term;
        trailing = null;
        if (!parenthesized && term is Query.Select { } last && (last.OrderBy.Count > 0 || last.Limit is not null))
        {
            trailing = last;
            term = last with { OrderBy = [], Limit = null, Offset = null };
        }
        return term;
    }

    /// <summary>ALL or DISTINCT after a compound operator; SQLite has no INTERSECT ALL or EXCEPT ALL.</summary>
    bool CompoundAll(string op)
    {
        bool all = Accept("ALL");
        if (!all)
            Accept("DISTINCT");
        if (all && op != "UNION")
            throw MySqlErrors.NotSupportedYet(op + " ALL");
        return all;
    }

    Query ParseQueryTerm()
    {
        if (AcceptOp("("))
        {
            var inner = ParseQuery();
            ExpectOp(")");
            if (inner is Query.Select && (Peek.Is("ORDER") || Peek.Is("LIMIT")))
            {
                var order = ParseOrderByOpt();
                var (limit, offset) = ParseLimitOpt();
                inner = inner with { OrderBy = order, Limit = limit, Offset = offset };
            }
            return inner;
        }
        return ParseSelect();
    }

    Query.Select ParseSelect()
    {
        Expect("SELECT");
        bool distinct = false, calcFoundRows = false;
        while (true)
        {
            if (Accept("DISTINCT") || Accept("DISTINCTROW"))
                distinct = true;
            else if (Accept("ALL") || Accept("HIGH_PRIORITY") || Accept("STRAIGHT_JOIN") || Accept("SQL_SMALL_RESULT")
                || Accept("SQL_BIG_RESULT") || Accept("SQL_BUFFER_RESULT") || Accept("SQL_NO_CACHE") || Accept("SQL_CACHE"))
            {
            }
            else if (Accept("SQL_CALC_FOUND_ROWS"))
                calcFoundRows = true;
            else
                break;
        }
        var items = new List<SelectItem>();
        do
        {
            items.Add(ParseSelectItem());
        }
        while (AcceptOp(","));
        TableSource? from = null;
        if (Accept("FROM"))
        {
            if (Accept("DUAL"))
                from = null;
            else
                from = ParseTableSources();
        }
        Expr? where = Accept("WHERE") ? ParseExpr() : null;
        var groupBy = new List<Expr>();
        bool rollup = false;
        if (AcceptSequence("GROUP", "BY"))
        {
            do
            {
                groupBy.Add(ParseExpr());
                if (!Accept("ASC"))
                    Accept("DESC");
            }
            while (AcceptOp(","));
            if (AcceptSequence("WITH", "ROLLUP"))
                rollup = true;
        }
        Expr? having = Accept("HAVING") ? ParseExpr() : null;
        var windows = new List<(string, Expr.Window)>();
        if (Accept("WINDOW"))
        {
            do
            {
                string name = Identifier();
                Expect("AS");
                ExpectOp("(");
                windows.Add((name, ParseWindowSpec(new Expr.Function("", []))));
            }
            while (AcceptOp(","));
        }
        var orderBy = ParseOrderByOpt();
        var (limit, offset) = ParseLimitOpt();
        bool forUpdate = false;
        if (AcceptSequence("FOR", "UPDATE"))
        {
            forUpdate = true;
            SkipLockOptions();
        }
        else if (AcceptSequence("FOR", "SHARE"))
        {
            SkipLockOptions();
        }
        else if (AcceptSequence("LOCK", "IN", "SHARE", "MODE"))
        {
        }
        return new Query.Select
        {
            Distinct = distinct,
            CalcFoundRows = calcFoundRows,
            Items = items,
            From = from,
            Where = where,
            GroupBy = groupBy,
            WithRollup = rollup,
            Having = having,
            Windows = windows,
            OrderBy = orderBy,
            Limit = limit,
            Offset = offset,
            ForUpdate = forUpdate,
        };
    }

    void SkipLockOptions()
    {
        if (Accept("OF"))
        {
            do
            {
                TableName();
            }
            while (AcceptOp(","));
        }
        if (!Accept("NOWAIT"))
            AcceptSequence("SKIP", "LOCKED");
    }

    SelectItem ParseSelectItem()
    {
        int startToken = _pos;
        if (Peek.IsOp("*"))
        {
            _pos++;
            return new SelectItem(new Expr.Star(null, null), null, "*");
        }
        var value = ParseExpr();
        int endStart = Peek.Start;
        string text = _sql[_tokens[startToken].Start..endStart].TrimEnd();
        string? alias = null;
        if (Accept("AS"))
            alias = Name();
        else if (Peek.Kind is TokenKind.QuotedIdentifier or TokenKind.String || (Peek.Kind == TokenKind.Identifier && !IsReserved(Peek.Text)))
            alias = Next().Text;
        return new SelectItem(value, alias, text);
    }

    IReadOnlyList<OrderItem> ParseOrderByOpt()
    {
        if (!AcceptSequence("ORDER", "BY"))
            return [];
        var items = new List<OrderItem>();
        do
        {
            var e = ParseExpr();
            bool desc = false;
            if (Accept("DESC"))
                desc = true;
            else
                Accept("ASC");
            items.Add(new OrderItem(e, desc));
        }
        while (AcceptOp(","));
        return items;
    }

    (Expr? Limit, Expr? Offset) ParseLimitOpt()
    {
        if (!Accept("LIMIT"))
            return (null, null);
        var first = ParseLimitValue();
        if (AcceptOp(","))
            return (ParseLimitValue(), first);
        if (Accept("OFFSET"))
            return (first, ParseLimitValue());
        return (first, null);
    }

    Expr ParseLimitValue()
    {
        var t = Peek;
        if (t.Kind == TokenKind.Integer)
        {
            _pos++;
            return new Expr.Literal(ParseInteger(t.Text), t.LiteralIndex);
        }
        if (t.Kind == TokenKind.Parameter)
        {
            _pos++;
            return new Expr.Parameter(_parameters++);
        }
        if (t.Kind == TokenKind.UserVariable)
        {
            _pos++;
            return new Expr.UserVariable(t.Text);
        }
        throw Error();
    }

    TableSource ParseTableSources()
    {
        var left = ParseJoinedTable();
        while (AcceptOp(","))
            left = new TableSource.Join(left, ParseJoinedTable(), "CROSS", null, null);
        return left;
    }

    TableSource ParseJoinedTable()
    {
        var left = ParseTableFactor();
        while (true)
        {
            string kind;
            if (Accept("JOIN") || AcceptSequence("INNER", "JOIN"))
                kind = "INNER";
            else if (AcceptSequence("CROSS", "JOIN"))
                kind = "CROSS";
            else if (Accept("STRAIGHT_JOIN"))
                kind = "INNER";
            else if (AcceptSequence("LEFT", "JOIN") || AcceptSequence("LEFT", "OUTER", "JOIN"))
                kind = "LEFT";
            else if (AcceptSequence("RIGHT", "JOIN") || AcceptSequence("RIGHT", "OUTER", "JOIN"))
                kind = "RIGHT";
            else if (AcceptSequence("NATURAL", "JOIN") || AcceptSequence("NATURAL", "INNER", "JOIN"))
                kind = "NATURAL";
            else if (AcceptSequence("NATURAL", "LEFT", "JOIN") || AcceptSequence("NATURAL", "LEFT", "OUTER", "JOIN"))
                kind = "NATURAL LEFT";
            else
                return left;
            var right = ParseTableFactor();
            Expr? on = null;
            List<string>? usingCols = null;
            if (Accept("ON"))
            {
                on = ParseExpr();
            }
            else if (Accept("USING"))
            {
                ExpectOp("(");
                usingCols = [];
                do
                {
                    usingCols.Add(Identifier());
                }
                while (AcceptOp(","));
                ExpectOp(")");
            }
            left = new TableSource.Join(left, right, kind, on, usingCols);
        }
    }

    TableSource ParseTableFactor()
    {
        if (AcceptOp("("))
        {
            if (Peek.Is("SELECT") || Peek.Is("WITH") || Peek.IsOp("("))
            {
                var q = ParseQuery();
                ExpectOp(")");
                Accept("AS");
                if (!PeekIdentifier)
                    throw MySqlErrors.DerivedMustHaveAlias();
                return new TableSource.Derived(q, Identifier());
            }
            var inner = ParseTableSources();
            ExpectOp(")");
            return inner;
        }
        var name = TableName();
        string? alias = null;
        if (Accept("AS"))
            alias = Identifier();
        else if (PeekIdentifier && !IsJoinKeyword(Peek))
            alias = Identifier();
        // Index hints are accepted and ignored.
        while (Peek.Is("USE") || Peek.Is("FORCE") || Peek.Is("IGNORE"))
        {
            if (!(PeekAt(1).Is("INDEX") || PeekAt(1).Is("KEY")))
                break;
            _pos += 2;
            if (Accept("FOR"))
            {
                if (!Accept("JOIN"))
                {
                    Accept("ORDER");
                    Accept("GROUP");
                    Accept("BY");
                }
            }
            ExpectOp("(");
            while (!AcceptOp(")"))
                Next();
        }
        return new TableSource.Table(name, alias);
    }

    static bool IsJoinKeyword(Token t) =>
        t.Is("INNER") || t.Is("LEFT") || t.Is("RIGHT") || t.Is("CROSS") || t.Is("NATURAL") || t.Is("JOIN")
        || t.Is("STRAIGHT_JOIN") || t.Is("USE") || t.Is("FORCE") || t.Is("IGNORE") || t.Is("WINDOW") || t.Is("LOCK");

    // ---- INSERT / UPDATE / DELETE ----

    Statement ParseInsert()
    {
        bool replace = Next().Is("REPLACE");
        bool ignore = false;
        while (true)
        {
            if (Accept("IGNORE"))
                ignore = true;
            else if (!(Accept("LOW_PRIORITY") || Accept("DELAYED") || Accept("HIGH_PRIORITY")))
                break;
        }
        Accept("INTO");
        var table = TableName();
        List<string>? columns = null;
        if (Peek.IsOp("(") && !(PeekAt(1).Is("SELECT") || PeekAt(1).IsOp("(")))
        {
            _pos++;
            columns = [];
            if (!Peek.IsOp(")"))
            {
                do
                {
                    columns.Add(ColumnName());
                }
                while (AcceptOp(","));
            }
            ExpectOp(")");
        }
        var rows = new List<IReadOnlyList<Expr>>();
        Query? source = null;
        if (Accept("VALUES") || Accept("VALUE"))
        {
            // Each row is kept as an array of exactly its values, built in one list that serves every row.
            var row = new List<Expr>();
            do
            {
                Accept("ROW");
                ExpectOp("(");
                row.Clear();
                if (!Peek.IsOp(")"))
                {
                    do
                    {
                        row.Add(Peek.Is("DEFAULT") && (PeekAt(1).IsOp(",") || PeekAt(1).IsOp(")")) ? Default() : ParseExpr());
                    }
                    while (AcceptOp(","));
                }
                ExpectOp(")");
                rows.Add(row.ToArray());
            }
            while (AcceptOp(","));
        }
        else if (Accept("SET"))
        {
            columns = [];
            var row = new List<Expr>();
            do
            {
                columns.Add(ColumnName());
                if (!AcceptOp("="))
                    ExpectOp(":=");
                row.Add(Peek.Is("DEFAULT") && (PeekAt(1).IsOp(",") || PeekAt(1).Kind == TokenKind.End || PeekAt(1).Is("ON")) ? Default() : ParseExpr());
            }
            while (AcceptOp(","));
            rows.Add(row);
        }
        else if (Peek.Is("SELECT") || Peek.IsOp("("))
        {
            source = ParseQuery();
        }
        else
        {
            throw Error();
        }
        string? rowAlias = null;
        List<string>? rowAliasColumns = null;
        if (Accept("AS"))
        {
            // INSERT ... VALUES (...) AS new [(a, b)] ON DUPLICATE KEY UPDATE c = new.a
            rowAlias = Identifier();
            if (AcceptOp("("))
            {
                rowAliasColumns = [];
                do
                {
                    rowAliasColumns.Add(Identifier());
                }
                while (AcceptOp(","));
                ExpectOp(")");
            }
        }
        var onDup = new List<Assignment>();
        if (AcceptSequence("ON", "DUPLICATE", "KEY", "UPDATE"))
            onDup.AddRange(ParseAssignments());
        return new Statement.Insert(table, columns)
        {
            Replace = replace,
            Ignore = ignore,
            Rows = rows,
            Source = source,
            OnDuplicate = onDup,
            RowAlias = rowAlias,
            RowAliasColumns = rowAliasColumns,
        };
    }

    Expr Default()
    {
        _pos++;
        return new Expr.Default();
    }

    string ColumnName()
    {
        string name = Identifier();
        while (AcceptOp("."))
            name = Identifier();
        return name;
    }

    List<Assignment> ParseAssignments()
    {
        var list = new List<Assignment>();
        do
        {
            var target = ParsePrimary() as Expr.Column ?? throw Error();
            if (!AcceptOp("="))
                ExpectOp(":=");
            var value = Peek.Is("DEFAULT") && (PeekAt(1).IsOp(",") || PeekAt(1).Kind == TokenKind.End || PeekAt(1).Is("WHERE")) ? Default() : ParseExpr();
            list.Add(new Assignment(target, value));
        }
        while (AcceptOp(","));
        return list;
    }

    Statement ParseUpdate()
    {
        Expect("UPDATE");
        bool ignore = false;
        while (true)
        {
            if (Accept("IGNORE"))
                ignore = true;
            else if (!Accept("LOW_PRIORITY"))
                break;
        }
        var table = ParseTableSources();
        Expect("SET");
        var set = ParseAssignments();
        Expr? where = Accept("WHERE") ? ParseExpr() : null;
        var order = ParseOrderByOpt();
        Expr? limit = null;
        if (Accept("LIMIT"))
            limit = ParseLimitValue();
        return new Statement.Update(table, set, where) { Ignore = ignore, OrderBy = order, Limit = limit };
    }

    Statement ParseDelete()
    {
        Expect("DELETE");
        while (Accept("LOW_PRIORITY") || Accept("QUICK") || Accept("IGNORE"))
        {
        }
        if (!Peek.Is("FROM"))
        {
            // DELETE t1 FROM t1 JOIN t2 ...
            var targets = ParseDeleteTargets();
            Expect("FROM");
            var source = ParseTableSources();
            Expr? multiWhere = Accept("WHERE") ? ParseExpr() : null;
            return MultiDelete(targets, source, multiWhere);
        }
        Expect("FROM");
        if (PeekAt(1).IsOp(",") || PeekAt(1).Is("USING") || (PeekAt(1).IsOp(".") && PeekAt(2).IsOp("*")) || (PeekAt(3).IsOp(".") && PeekAt(4).IsOp("*")))
        {
            // DELETE FROM t1 USING t1 JOIN t2 ...
            var targets = ParseDeleteTargets();
            Expect("USING");
            var source = ParseTableSources();
            Expr? multiWhere = Accept("WHERE") ? ParseExpr() : null;
            return MultiDelete(targets, source, multiWhere);
        }
        var table = TableName();
        string? alias = null;
        if (Accept("AS") || (PeekIdentifier && !Peek.Is("WHERE") && !Peek.Is("ORDER") && !Peek.Is("LIMIT") && !Peek.Is("PARTITION")))
            alias = Identifier();
        Expr? where = Accept("WHERE") ? ParseExpr() : null;
        var order = ParseOrderByOpt();
        Expr? limit = null;
        if (Accept("LIMIT"))
            limit = ParseLimitValue();
        return new Statement.Delete(table, where) { OrderBy = order, Limit = limit, Alias = alias };
    }

    List<TableName> ParseDeleteTargets()
    {
        var targets = new List<TableName>();
        do
        {
            targets.Add(TableName());
            if (AcceptOp("."))
                ExpectOp("*");
        }
        while (AcceptOp(","));
        return targets;
    }

    static Statement.Delete MultiDelete(List<TableName> targets, TableSource source, Expr? where)
    {
        if (targets.Count != 1)
            throw MySqlErrors.NotSupportedYet("DELETE from several tables");
        return new Statement.Delete(targets[0], where) { Source = source };
    }

    static long ParseInteger(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : long.MaxValue;
}
