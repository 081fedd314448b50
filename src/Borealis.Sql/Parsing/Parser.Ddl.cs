using Borealis.Sql.Errors;
using Borealis.Sql.Syntax;

namespace Borealis.Sql.Parsing;

internal sealed partial class Parser
{
    Statement ParseCreate()
    {
        Expect("CREATE");
        if (Accept("DATABASE") || Accept("SCHEMA"))
        {
            bool ifNotExists = AcceptSequence("IF", "NOT", "EXISTS");
            string name = Identifier();
            var (charset, collation) = ParseCharsetOptions();
            return new Statement.CreateDatabase(name, ifNotExists, charset, collation);
        }
        if (Peek.Is("OR") || Peek.Is("ALGORITHM") || Peek.Is("DEFINER") || Peek.Is("SQL") || Peek.Is("VIEW"))
            return ParseCreateView();
        bool temporary = Accept("TEMPORARY");
        if (Accept("TABLE"))
            return ParseCreateTable(temporary);
        if (temporary)
            throw Error();
        bool unique = Accept("UNIQUE");
        bool fulltext = !unique && (Accept("FULLTEXT") || Accept("SPATIAL"));
        if (Accept("INDEX") || Accept("KEY"))
        {
            string name = Identifier();
            if (Accept("USING"))
                Next();
            Expect("ON");
            var table = TableName();
            var cols = ParseIndexColumns();
            SkipIndexOptions();
            while (Accept("ALGORITHM") || Accept("LOCK"))
            {
                AcceptOp("=");
                Next();
            }
            return new Statement.CreateIndex(new IndexSpec(name, unique ? "UNIQUE" : fulltext ? "FULLTEXT" : "INDEX", cols), table);
        }
        if (unique || fulltext)
            throw Error();
        if (Peek.Is("VIEW") || Peek.Is("OR") || Peek.Is("USER") || Peek.Is("PROCEDURE") || Peek.Is("FUNCTION") || Peek.Is("TRIGGER")
            || Peek.Is("EVENT") || Peek.Is("ROLE") || Peek.Is("ALGORITHM") || Peek.Is("DEFINER") || Peek.Is("TABLESPACE") || Peek.Is("SERVER"))
            throw MySqlErrors.NotSupportedYet("CREATE " + Peek.Text.ToUpperInvariant());
        throw Error();
    }

    Statement ParseCreateView()
    {
        bool orReplace = AcceptSequence("OR", "REPLACE");
        while (true)
        {
            if (Accept("ALGORITHM") || Accept("DEFINER"))
            {
                ExpectOp("=");
                Next();
                if (Peek.Kind == TokenKind.UserVariable)
                    Next();
            }
            else if (AcceptSequence("SQL", "SECURITY"))
            {
                Next();
            }
            else
            {
                break;
            }
        }
        if (!Accept("VIEW"))
        {
            if (Peek.Kind == TokenKind.Identifier)
                throw MySqlErrors.NotSupportedYet("CREATE " + Peek.Text.ToUpperInvariant());
            throw Error();
        }
        var name = TableName();
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
        int start = Peek.Start;
        var query = ParseQuery();
        // Up to the query's last token: not a trailing comment, nor the "*/" of a /*!50001 CREATE VIEW ... */ (mysqldump).
        string text = _sql[start.._tokens[_pos - 1].End];
        string checkOption = "NONE";
        if (Accept("WITH"))
        {
            checkOption = Accept("LOCAL") ? "LOCAL" : "CASCADED";
            if (checkOption == "CASCADED")
                Accept("CASCADED");
            Expect("CHECK");
            Expect("OPTION");
        }
        return new Statement.CreateView(name, columns, query, text, orReplace, checkOption);
    }

    (string? Charset, string? Collation) ParseCharsetOptions()
    {
        string? charset = null, collation = null;
        while (true)
        {
            Accept("DEFAULT");
            if (AcceptSequence("CHARACTER", "SET") || Accept("CHARSET"))
            {
                AcceptOp("=");
                charset = Name();
            }
            else if (Accept("COLLATE"))
            {
                AcceptOp("=");
                collation = Name();
            }
            else if (Accept("ENCRYPTION"))
            {
                AcceptOp("=");
                Name();
            }
            else
            {
                return (charset, collation);
            }
        }
    }

    Statement ParseCreateTable(bool temporary)
    {
        bool ifNotExists = AcceptSequence("IF", "NOT", "EXISTS");
        var name = TableName();
        if (Accept("LIKE"))
            return new Statement.CreateTable(name, ifNotExists, [], []) { Like = TableName(), Temporary = temporary };
        if (Peek.IsOp("(") && PeekAt(1).Is("LIKE"))
        {
            _pos += 2;
            var like = TableName();
            ExpectOp(")");
            return new Statement.CreateTable(name, ifNotExists, [], []) { Like = like, Temporary = temporary };
        }
        if (Peek.Is("AS") || Peek.Is("SELECT") || Peek.Is("WITH") || (Peek.IsOp("(") && PeekAt(1).Is("SELECT")))
        {
            // CREATE TABLE t [AS] SELECT ...: columns come from the query.
            Accept("AS");
            return new Statement.CreateTable(name, ifNotExists, [], []) { Source = ParseQuery(), Temporary = temporary };
        }
        ExpectOp("(");
        var columns = new List<ColumnSpec>();
        var indexes = new List<IndexSpec>();
        do
        {
            ParseTableElement(columns, indexes);
        }
        while (AcceptOp(","));
        ExpectOp(")");
        var checks = _checks.ToList();
        var options = ParseTableOptions();
        if (Peek.Is("PARTITION"))
            throw MySqlErrors.NotSupportedYet("PARTITION BY");
        if (Peek.Is("AS") || Peek.Is("SELECT") || Peek.Is("IGNORE") || Peek.Is("REPLACE"))
            throw MySqlErrors.NotSupportedYet("CREATE TABLE ... SELECT");
        return new Statement.CreateTable(name, ifNotExists, columns, indexes)
        {
            Options = options,
            Temporary = temporary,
            Checks = checks,
            ForeignKeys = [.. _foreignKeys],
        };
    }

    void ParseTableElement(List<ColumnSpec> columns, List<IndexSpec> indexes)
    {
        string? constraintName = null;
        if (Accept("CONSTRAINT"))
        {
            if (PeekIdentifier)
                constraintName = Identifier();
        }
        if (AcceptSequence("PRIMARY", "KEY"))
        {
            if (Accept("USING"))
                Next();
            indexes.Add(new IndexSpec("PRIMARY", "PRIMARY", ParseIndexColumns()));
            SkipIndexOptions();
            return;
        }
        if (Accept("UNIQUE"))
        {
            if (!Accept("KEY"))
                Accept("INDEX");
            string? name = PeekIdentifier ? Identifier() : constraintName;
            if (Accept("USING"))
                Next();
            indexes.Add(new IndexSpec(name, "UNIQUE", ParseIndexColumns()));
            SkipIndexOptions();
            return;
        }
        if (Accept("KEY") || Accept("INDEX") || Accept("FULLTEXT") || Accept("SPATIAL"))
        {
            if (!Accept("KEY"))
                Accept("INDEX");
            string? name = PeekIdentifier ? Identifier() : null;
            if (Accept("USING"))
                Next();
            indexes.Add(new IndexSpec(name, "INDEX", ParseIndexColumns()));
            SkipIndexOptions();
            return;
        }
        if (Accept("FOREIGN"))
        {
            Expect("KEY");
            string? indexName = PeekIdentifier ? Identifier() : null;
            var fkColumns = ParseIndexColumns();
            _foreignKeys.Add(ParseReferences(constraintName, indexName, fkColumns));
            return;
        }
        if (Accept("CHECK"))
        {
            ParseCheck(constraintName);
            return;
        }
        if (constraintName is not null)
            throw Error();
        columns.Add(ParseColumnSpec());
    }

    void ParseCheck(string? name)
    {
        ExpectOp("(");
        int start = Peek.Start;
        var value = ParseExpr();
        string text = _sql[start..Peek.Start].TrimEnd();
        ExpectOp(")");
        bool enforced = true;
        if (AcceptSequence("NOT", "ENFORCED"))
            enforced = false;
        else
            Accept("ENFORCED");
        _checks.Add(new CheckSpec(name, value, text, enforced));
    }

    /// <summary>A column's inline REFERENCES clause: parsed and ignored, as MySQL does.</summary>
    void SkipReferences() => ParseReferences(null, null, []);

    /// <summary><c>REFERENCES parent (cols) [MATCH ...] [ON DELETE rule] [ON UPDATE rule]</c>.</summary>
    ForeignKeySpec ParseReferences(string? name, string? indexName, IReadOnlyList<string> columns)
    {
        Expect("REFERENCES");
        var parent = TableName();
        var parentColumns = ParseIndexColumns();
        string? onDelete = null, onUpdate = null;
        while (true)
        {
            if (AcceptSequence("ON", "DELETE"))
                onDelete = ParseReferenceOption();
            else if (AcceptSequence("ON", "UPDATE"))
                onUpdate = ParseReferenceOption();
            else if (Accept("MATCH"))
                Next();
            else
                return new ForeignKeySpec(name, indexName, columns, parent, parentColumns, onDelete, onUpdate);
        }
    }

    string ParseReferenceOption() =>
        AcceptSequence("SET", "NULL") ? "SET NULL"
        : AcceptSequence("SET", "DEFAULT") ? "SET DEFAULT"
        : AcceptSequence("NO", "ACTION") ? "NO ACTION"
        : Accept("RESTRICT") ? "RESTRICT"
        : Accept("CASCADE") ? "CASCADE"
        : throw Error();

    List<string> ParseIndexColumns()
    {
        ExpectOp("(");
        var cols = new List<string>();
        do
        {
            if (Peek.IsOp("("))
                throw MySqlErrors.NotSupportedYet("functional key parts");
            cols.Add(Identifier());
            if (AcceptOp("("))
            {
                Next();
                ExpectOp(")");
            }
            if (!Accept("ASC"))
                Accept("DESC");
        }
        while (AcceptOp(","));
        ExpectOp(")");
        return cols;
    }

    void SkipIndexOptions()
    {
        while (true)
        {
            if (Accept("USING") || Accept("KEY_BLOCK_SIZE") || Accept("COMMENT") || AcceptSequence("WITH", "PARSER"))
            {
                AcceptOp("=");
                Next();
            }
            else if (!(Accept("VISIBLE") || Accept("INVISIBLE")))
            {
                return;
            }
        }
    }

    ColumnSpec ParseColumnSpec()
    {
        string name = Identifier();
        var type = ParseDataType();
        var spec = new ColumnSpec(name, type);
        if (type.Name == "serial")
            spec = new ColumnSpec(name, new DataType("bigint") { Unsigned = true }) { NotNull = true, AutoIncrement = true, Unique = true };
        while (true)
        {
            if (AcceptSequence("NOT", "NULL"))
                spec = spec with { NotNull = true };
            else if (Accept("NULL"))
                spec = spec with { ExplicitNull = true };
            else if (Accept("DEFAULT"))
                spec = spec with { Default = ParseDefaultValue() };
            else if (Accept("AUTO_INCREMENT"))
                spec = spec with { AutoIncrement = true };
            else if (AcceptSequence("PRIMARY", "KEY") || Accept("KEY"))
                spec = spec with { PrimaryKey = true };
            else if (Accept("UNIQUE"))
            {
                Accept("KEY");
                spec = spec with { Unique = true };
            }
            else if (Accept("COMMENT"))
                spec = spec with { Comment = Name() };
            else if (AcceptSequence("ON", "UPDATE"))
            {
                var e = ParsePrimary();
                if (e is not Expr.Function)
                    throw Error();
                spec = spec with { OnUpdateNow = true };
            }
            else if (Accept("COLLATE"))
                spec = spec with { Type = spec.Type with { Collation = Name() } };
            else if (AcceptSequence("CHARACTER", "SET") || Accept("CHARSET"))
                spec = spec with { Type = spec.Type with { Charset = Name() } };
            else if (Accept("CHECK") || (Peek.Is("CONSTRAINT") && PeekAt(2).Is("CHECK") && Accept("CONSTRAINT")))
            {
                string? checkName = null;
                if (!Peek.IsOp("(") && PeekIdentifier && !Peek.Is("CHECK"))
                    checkName = Identifier();
                Accept("CHECK");
                ParseCheck(checkName);
            }
            else if (Peek.Is("REFERENCES"))
                SkipReferences();
            else if (Accept("VISIBLE") || Accept("INVISIBLE"))
            {
            }
            else if (Accept("COLUMN_FORMAT") || Accept("STORAGE") || Accept("SRID"))
                Next();
            else if (Peek.Is("GENERATED") || Peek.Is("AS"))
            {
                if (Accept("GENERATED"))
                    Expect("ALWAYS");
                Expect("AS");
                ExpectOp("(");
                int start = Peek.Start;
                var generated = ParseExpr();
                string text = _sql[start.._tokens[_pos - 1].End];
                ExpectOp(")");
                bool stored = Accept("STORED") || (!Accept("VIRTUAL") && Accept("PERSISTENT"));
                spec = spec with { Generated = generated, GeneratedText = text, GeneratedStored = stored };
            }
            else
                return spec;
        }
    }

    Expr ParseDefaultValue()
    {
        if (AcceptOp("("))
        {
            var e = ParseExpr();
            ExpectOp(")");
            return e;
        }
        var v = ParseUnary();
        if (v is Expr.Function f && f.Args.Count == 0 && Peek.IsOp("("))
        {
            // CURRENT_TIMESTAMP(6)
            _pos++;
            Next();
            ExpectOp(")");
            return f;
        }
        return v;
    }

    DataType ParseDataType()
    {
        var t = Next();
        if (t.Kind != TokenKind.Identifier)
        {
            _pos--;
            throw Error();
        }
        string word = t.Text.ToLowerInvariant();
        if (word == "national")
            word = Next().Text.ToLowerInvariant();
        if (word == "long" && (Peek.Is("VARCHAR") || Peek.Is("VARBINARY")))
            word = "medium" + Next().Text.ToLowerInvariant()[3..];
        if (word == "long" && Peek.Is("VARCHAR"))
            word = "mediumtext";
        word = word switch
        {
            "integer" => "int",
            "int1" => "tinyint",
            "int2" => "smallint",
            "int3" or "middleint" => "mediumint",
            "int4" => "int",
            "int8" => "bigint",
            "dec" or "numeric" or "fixed" => "decimal",
            "real" or "float8" => "double",
            "float4" => "float",
            "character" or "nchar" => "char",
            "nvarchar" => "varchar",
            "bool" or "boolean" => "bool",
            "long" => "mediumtext",
            _ => word,
        };
        if (word == "double")
            Accept("PRECISION");
        if (word == "char" && Accept("VARYING"))
            word = "varchar";
        var type = new DataType(word);
        switch (word)
        {
            case "tinyint" or "smallint" or "mediumint" or "int" or "bigint" or "bit" or "year":
                type = type with { Length = OptionalLength(out _) };
                break;
            case "bool":
                type = new DataType("tinyint") { Length = 1 };
                break;
            case "decimal":
                {
                    int? p = OptionalLength(out int? s);
                    type = type with { Length = p ?? 10, Scale = s ?? 0 };
                    break;
                }
            case "float" or "double":
                {
                    int? p = OptionalLength(out int? s);
                    if (word == "float" && p > 24 && s is null)
                        type = new DataType("double");
                    else
                        type = type with { Length = p, Scale = s };
                    break;
                }
            case "char" or "binary":
                type = type with { Length = OptionalLength(out _) ?? 1 };
                break;
            case "varchar" or "varbinary":
                type = type with { Length = OptionalLength(out _) ?? throw Error() };
                break;
            case "text" or "blob":
                type = type with { Length = OptionalLength(out _) };
                break;
            case "tinytext" or "mediumtext" or "longtext" or "tinyblob" or "mediumblob" or "longblob" or "json" or "serial" or "geometry":
                break;
            case "date":
                break;
            case "datetime" or "timestamp" or "time":
                type = type with { Length = OptionalLength(out _) };
                break;
            case "enum" or "set":
                {
                    ExpectOp("(");
                    var values = new List<string>();
                    do
                    {
                        var v = Next();
                        if (v.Kind != TokenKind.String)
                            throw Error();
                        values.Add(v.Text);
                    }
                    while (AcceptOp(","));
                    ExpectOp(")");
                    type = type with { Values = values };
                    break;
                }
            default:
                _pos--;
                throw Error();
        }
        while (true)
        {
            if (Accept("UNSIGNED"))
                type = type with { Unsigned = true };
            else if (Accept("SIGNED"))
            {
            }
            else if (Accept("ZEROFILL"))
                type = type with { Unsigned = true, ZeroFill = true };
            else if (AcceptSequence("CHARACTER", "SET") || Accept("CHARSET"))
                type = type with { Charset = Name() };
            else if (Peek.Is("COLLATE"))
            {
                _pos++;
                type = type with { Collation = Name() };
            }
            else if (Accept("BINARY") || Accept("ASCII") || Accept("UNICODE"))
            {
            }
            else
                return type;
        }
    }

    Dictionary<string, string> ParseTableOptions()
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            AcceptOp(",");
            Accept("DEFAULT");
            string key;
            if (AcceptSequence("CHARACTER", "SET"))
                key = "CHARSET";
            else if (Peek.Kind == TokenKind.Identifier && !Peek.Is("PARTITION") && !Peek.Is("AS") && !Peek.Is("SELECT")
                && !Peek.Is("IGNORE") && !Peek.Is("REPLACE"))
                key = Next().Text.ToUpperInvariant();
            else
                return options;
            if (key is "CHARACTER" or "CHAR")
            {
                Expect("SET");
                key = "CHARSET";
            }
            AcceptOp("=");
            var v = Next();
            if (v.Kind is TokenKind.End || (v.Kind == TokenKind.Operator && v.Text != "("))
            {
                _pos--;
                throw Error();
            }
            if (v.IsOp("("))
            {
                // UNION=(t1,t2) and the like.
                while (!AcceptOp(")"))
                {
                    if (Peek.Kind == TokenKind.End)
                        throw Error();
                    Next();
                }
                continue;
            }
            options[key] = v.Text;
        }
    }

    Statement ParseDrop()
    {
        Expect("DROP");
        if (Accept("DATABASE") || Accept("SCHEMA"))
        {
            bool ifExists = AcceptSequence("IF", "EXISTS");
            return new Statement.DropDatabase(Identifier(), ifExists);
        }
        Accept("TEMPORARY");
        if (Accept("VIEW"))
        {
            bool viewIfExists = AcceptSequence("IF", "EXISTS");
            var views = new List<TableName>();
            do
            {
                views.Add(TableName());
            }
            while (AcceptOp(","));
            if (!Accept("RESTRICT"))
                Accept("CASCADE");
            return new Statement.DropTable(views, viewIfExists) { Views = true };
        }
        if (Accept("TABLE") || Accept("TABLES"))
        {
            bool ifExists = AcceptSequence("IF", "EXISTS");
            var names = new List<TableName>();
            do
            {
                names.Add(TableName());
            }
            while (AcceptOp(","));
            if (!Accept("RESTRICT"))
                Accept("CASCADE");
            return new Statement.DropTable(names, ifExists);
        }
        if (Accept("INDEX") || Accept("KEY"))
        {
            string name = Peek.Is("PRIMARY") ? Next().Text : Identifier();
            Expect("ON");
            var table = TableName();
            while (Accept("ALGORITHM") || Accept("LOCK"))
            {
                AcceptOp("=");
                Next();
            }
            return new Statement.DropIndex(name, table);
        }
        if (Peek.Kind == TokenKind.Identifier)
            throw MySqlErrors.NotSupportedYet("DROP " + Peek.Text.ToUpperInvariant());
        throw Error();
    }

    Statement ParseAlter()
    {
        Expect("ALTER");
        if (Accept("DATABASE") || Accept("SCHEMA"))
        {
            string? name = PeekIdentifier && !Peek.Is("DEFAULT") && !Peek.Is("CHARACTER") && !Peek.Is("CHARSET") && !Peek.Is("COLLATE") ? Identifier() : null;
            ParseCharsetOptions();
            return new Statement.NoOp("ALTER DATABASE " + name);
        }
        if (Accept("SYSTEM"))
            return ParseAlterSystem();
        if (!Accept("TABLE"))
        {
            if (Peek.Kind == TokenKind.Identifier)
                throw MySqlErrors.NotSupportedYet("ALTER " + Peek.Text.ToUpperInvariant());
            throw Error();
        }
        var table = TableName();
        var actions = new List<AlterAction>();
        do
        {
            actions.Add(ParseAlterAction());
        }
        while (AcceptOp(","));
        return new Statement.AlterTable(table, actions);
    }

    /// <summary>
    /// Aurora's fault-injection queries: <c>ALTER SYSTEM CRASH [INSTANCE | DISPATCHER | NODE]</c>, and the
    /// <c>ALTER SYSTEM SIMULATE n PERCENT {READ REPLICA FAILURE | DISK FAILURE | DISK CONGESTION} ...</c> forms,
    /// recognised (1235 naming the form) but not run.
    /// </summary>
    Statement ParseAlterSystem()
    {
        if (Accept("CRASH"))
        {
            var target = CrashTarget.Instance;
            if (Accept("DISPATCHER"))
                target = CrashTarget.Dispatcher;
            else if (Accept("NODE"))
                target = CrashTarget.Node;
            else
                Accept("INSTANCE");
            return new Statement.AlterSystemCrash(target);
        }
        if (!Accept("SIMULATE"))
            throw Error();
        if (Peek.Kind is not (TokenKind.Integer or TokenKind.Decimal or TokenKind.Float))
            throw Error();
        _pos++;
        Expect("PERCENT");
        string what;
        if (AcceptSequence("READ", "REPLICA", "FAILURE"))
            what = "READ REPLICA FAILURE";
        else if (AcceptSequence("DISK", "FAILURE"))
            what = "DISK FAILURE";
        else if (AcceptSequence("DISK", "CONGESTION"))
            what = "DISK CONGESTION";
        else
            throw Error();
        // The rest (TO ..., IN DISK/NODE ..., BETWEEN ..., FOR INTERVAL ...) is not checked: the form is not run.
        _pos = _tokens.Count - 1;
        return new Statement.Unsupported("ALTER SYSTEM SIMULATE " + what);
    }

    AlterAction ParseAlterAction()
    {
        if (Accept("ADD"))
        {
            if (Peek.Is("PRIMARY") || Peek.Is("UNIQUE") || Peek.Is("KEY") || Peek.Is("INDEX") || Peek.Is("CONSTRAINT") || Peek.Is("FULLTEXT")
                || Peek.Is("FOREIGN") || Peek.Is("CHECK"))
            {
                var cols = new List<ColumnSpec>();
                var idx = new List<IndexSpec>();
                int checks = _checks.Count;
                int foreignKeys = _foreignKeys.Count;
                ParseTableElement(cols, idx);
                if (_checks.Count > checks)
                    throw MySqlErrors.NotSupportedYet("ALTER TABLE ADD CHECK");
                if (_foreignKeys.Count > foreignKeys)
                    return new AlterAction.AddForeignKey(_foreignKeys[^1]);
                if (idx.Count == 0)
                    return new AlterAction.Options(new Dictionary<string, string>());
                return new AlterAction.AddIndex(idx[0]);
            }
            Accept("COLUMN");
            if (Peek.IsOp("("))
                throw MySqlErrors.NotSupportedYet("ADD COLUMN (...) lists");
            var spec = ParseColumnSpec();
            if (Accept("FIRST"))
                return new AlterAction.AddColumn(spec, null, true);
            if (Accept("AFTER"))
                return new AlterAction.AddColumn(spec, Identifier(), false);
            return new AlterAction.AddColumn(spec, null, false);
        }
        if (Accept("DROP"))
        {
            if (AcceptSequence("PRIMARY", "KEY"))
                return new AlterAction.DropIndex("PRIMARY");
            if (Accept("INDEX") || Accept("KEY"))
                return new AlterAction.DropIndex(Identifier());
            if (AcceptSequence("FOREIGN", "KEY"))
                return new AlterAction.DropForeignKey(Identifier(), AnyConstraint: false);
            if (Accept("CONSTRAINT"))
                return new AlterAction.DropForeignKey(Identifier(), AnyConstraint: true);
            if (Accept("CHECK"))
                throw MySqlErrors.NotSupportedYet("ALTER TABLE DROP CHECK");
            Accept("COLUMN");
            return new AlterAction.DropColumn(Identifier());
        }
        if (Accept("MODIFY"))
        {
            Accept("COLUMN");
            var spec = ParseColumnSpec();
            var (after, first) = ParsePosition();
            return new AlterAction.ModifyColumn(spec.Name, spec, after, first);
        }
        if (Accept("CHANGE"))
        {
            Accept("COLUMN");
            string old = Identifier();
            var spec = ParseColumnSpec();
            var (after, first) = ParsePosition();
            return new AlterAction.ModifyColumn(old, spec, after, first);
        }
        if (Accept("RENAME"))
        {
            if (Accept("COLUMN"))
            {
                string old = Identifier();
                Expect("TO");
                return new AlterAction.RenameColumn(old, Identifier());
            }
            if (Accept("INDEX") || Accept("KEY"))
            {
                string old = Identifier();
                Expect("TO");
                return new AlterAction.RenameIndex(old, Identifier());
            }
            if (!Accept("TO"))
                Accept("AS");
            return new AlterAction.RenameTo(TableName());
        }
        if (Accept("ALTER"))
        {
            Accept("COLUMN");
            string column = Identifier();
            if (AcceptSequence("DROP", "DEFAULT"))
                return new AlterAction.AlterDefault(column, null);
            Expect("SET");
            if (Peek.Is("VISIBLE") || Peek.Is("INVISIBLE"))
                throw MySqlErrors.NotSupportedYet("ALTER COLUMN … SET VISIBLE/INVISIBLE");
            Expect("DEFAULT");
            return new AlterAction.AlterDefault(column, ParseDefaultValue());
        }
        var options = ParseTableOptions();
        if (options.Count == 0)
        {
            if (Peek.Kind == TokenKind.Identifier)
                throw MySqlErrors.NotSupportedYet("ALTER TABLE " + Peek.Text.ToUpperInvariant());
            throw Error();
        }
        return new AlterAction.Options(options);
    }

    (string? After, bool First) ParsePosition()
    {
        if (Accept("FIRST"))
            return (null, true);
        return Accept("AFTER") ? (Identifier(), false) : (null, false);
    }

    Statement ParseRename()
    {
        Expect("RENAME");
        if (!Accept("TABLE"))
            Expect("TABLES");
        var pairs = new List<(TableName, TableName)>();
        do
        {
            var from = TableName();
            Expect("TO");
            pairs.Add((from, TableName()));
        }
        while (AcceptOp(","));
        return new Statement.RenameTable(pairs);
    }

    Statement ParseSet()
    {
        Expect("SET");
        if (Accept("NAMES"))
        {
            if (Accept("DEFAULT"))
                return new Statement.SetNames("utf8mb4", null);
            string cs = Name();
            string? coll = Accept("COLLATE") ? Name() : null;
            return new Statement.SetNames(cs, coll);
        }
        if (AcceptSequence("CHARACTER", "SET") || Accept("CHARSET"))
        {
            string cs = Accept("DEFAULT") ? "utf8mb4" : Name();
            return new Statement.SetNames(cs, null);
        }
        if (Peek.Is("TRANSACTION") || ((Peek.Is("SESSION") || Peek.Is("GLOBAL") || Peek.Is("LOCAL")) && PeekAt(1).Is("TRANSACTION")))
        {
            _pos = _tokens.Count - 1;
            return new Statement.NoOp("SET TRANSACTION");
        }
        if (Peek.Is("PASSWORD") || Peek.Is("ROLE") || Peek.Is("DEFAULT") && PeekAt(1).Is("ROLE"))
            throw MySqlErrors.NotSupportedYet("SET " + Peek.Text.ToUpperInvariant());
        var items = new List<(string, string, Expr)>();
        string scope = "session";
        do
        {
            string itemScope = scope;
            string name;
            var t = Peek;
            if (t.Kind == TokenKind.UserVariable)
            {
                _pos++;
                itemScope = "user";
                name = t.Text;
            }
            else if (t.Kind == TokenKind.SystemVariable)
            {
                _pos++;
                name = t.Text;
                int dot = name.IndexOf('.', StringComparison.Ordinal);
                itemScope = "session";
                if (dot > 0)
                {
                    itemScope = name[..dot].ToLowerInvariant() is "global" or "persist" or "persist_only" ? "global" : "session";
                    name = name[(dot + 1)..];
                }
            }
            else
            {
                if (Accept("GLOBAL") || Accept("PERSIST") || Accept("PERSIST_ONLY"))
                    scope = itemScope = "global";
                else if (Accept("SESSION") || Accept("LOCAL"))
                    scope = itemScope = "session";
                name = Peek.Kind is TokenKind.Identifier or TokenKind.QuotedIdentifier ? Next().Text : throw Error();
                if (AcceptOp("."))
                    name = Next().Text;
            }
            if (!AcceptOp("="))
                ExpectOp(":=");
            Expr value;
            if (Peek.Is("DEFAULT") && (PeekAt(1).IsOp(",") || PeekAt(1).Kind == TokenKind.End))
                value = Default();
            else if (Peek.Kind == TokenKind.Identifier && (PeekAt(1).IsOp(",") || PeekAt(1).Kind == TokenKind.End) && !Peek.Is("NULL")
                && !Peek.Is("TRUE") && !Peek.Is("FALSE"))
                value = new Expr.Literal(Next().Text, -1);
            else
                value = ParseExpr();
            items.Add((itemScope, name, value));
        }
        while (AcceptOp(","));
        return new Statement.Set(items);
    }

    Statement ParseShow()
    {
        Expect("SHOW");
        bool full = Accept("FULL");
        bool global = false;
        if (Accept("GLOBAL"))
            global = true;
        else if (!Accept("SESSION"))
            Accept("LOCAL");
        Statement.Show show;
        if (Accept("COUNT"))
        {
            // SHOW COUNT(*) WARNINGS | ERRORS is SELECT @@session.warning_count | error_count.
            ExpectOp("(");
            ExpectOp("*");
            ExpectOp(")");
            string counted = Accept("WARNINGS") ? "warning_count" : Accept("ERRORS") ? "error_count" : throw Error();
            string name = "@@session." + counted;
            return new Statement.SelectStatement(new Query.Select { Items = [new SelectItem(new Expr.SystemVariable(counted, Global: false), name, name)] });
        }
        if (Accept("DATABASES") || Accept("SCHEMAS"))
            show = new Statement.Show("databases");
        else if (Accept("TABLES"))
            show = new Statement.Show("tables") { Schema = ParseFromSchema() };
        else if (AcceptSequence("TABLE", "STATUS"))
            show = new Statement.Show("table status") { Schema = ParseFromSchema() };
        else if (Accept("COLUMNS") || Accept("FIELDS"))
        {
            if (!Accept("FROM"))
                Expect("IN");
            var table = TableName();
            string? schema = ParseFromSchema();
            show = new Statement.Show("columns") { Table = schema is null ? table : table with { Schema = schema } };
        }
        else if (Accept("INDEX") || Accept("INDEXES") || Accept("KEYS"))
        {
            if (!Accept("FROM"))
                Expect("IN");
            var table = TableName();
            string? schema = ParseFromSchema();
            show = new Statement.Show("index") { Table = schema is null ? table : table with { Schema = schema } };
        }
        else if (AcceptSequence("CREATE", "TABLE"))
            show = new Statement.Show("create table") { Table = TableName() };
        else if (AcceptSequence("CREATE", "VIEW"))
            show = new Statement.Show("create table") { Table = TableName() };
        else if (AcceptSequence("CREATE", "DATABASE") || AcceptSequence("CREATE", "SCHEMA"))
        {
            bool ifNotExists = AcceptSequence("IF", "NOT", "EXISTS");
            show = new Statement.Show("create database") { Schema = Identifier(), IfNotExists = ifNotExists };
        }
        else if (Accept("VARIABLES"))
            show = new Statement.Show("variables");
        else if (Accept("STATUS"))
            show = new Statement.Show("status");
        else if (Accept("WARNINGS"))
            show = new Statement.Show("warnings");
        else if (Accept("ERRORS"))
            show = new Statement.Show("errors");
        else if (Accept("PROCESSLIST"))
            show = new Statement.Show("processlist");
        else if (Accept("ENGINES") || AcceptSequence("STORAGE", "ENGINES"))
            show = new Statement.Show("engines");
        else if (AcceptSequence("CHARACTER", "SET") || Accept("CHARSET"))
            show = new Statement.Show("charset");
        else if (Accept("COLLATION"))
            show = new Statement.Show("collation");
        else if (Accept("GRANTS"))
        {
            _pos = _tokens.Count - 1;
            show = new Statement.Show("grants");
        }
        else if (Accept("TRIGGERS"))
            show = new Statement.Show("triggers") { Schema = ParseFromSchema() };
        else if (Accept("EVENTS"))
            show = new Statement.Show("events") { Schema = ParseFromSchema() };
        else if (AcceptSequence("PROCEDURE", "STATUS") || AcceptSequence("FUNCTION", "STATUS"))
            show = new Statement.Show("routines");
        else if (AcceptSequence("OPEN", "TABLES"))
            show = new Statement.Show("open tables") { Schema = ParseFromSchema() };
        else if (Accept("PLUGINS"))
            show = new Statement.Show("plugins");
        else if (Peek.Kind == TokenKind.Identifier)
            throw MySqlErrors.NotSupportedYet("SHOW " + Peek.Text.ToUpperInvariant());
        else
            throw Error();
        show = show with { Full = full, Global = global };
        if (Accept("LIKE"))
        {
            var t = Next();
            if (t.Kind != TokenKind.String)
            {
                _pos--;
                throw Error();
            }
            show = show with { Like = t.Text };
        }
        else if (Accept("WHERE"))
        {
            show = show with { Where = ParseExpr() };
        }
        if (show.What is "warnings" or "errors" && Accept("LIMIT"))
        {
            ParseLimitValue();
            if (AcceptOp(","))
                ParseLimitValue();
        }
        return show;
    }

    string? ParseFromSchema()
    {
        if (Accept("FROM") || Accept("IN"))
            return Identifier();
        return null;
    }
}
