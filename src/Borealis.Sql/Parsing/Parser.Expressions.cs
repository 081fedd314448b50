using System.Globalization;
using Borealis.Sql.Errors;
using Borealis.Sql.Syntax;

namespace Borealis.Sql.Parsing;

internal sealed partial class Parser
{
    /// <summary>An expression, with MySQL's operator precedence.</summary>
    internal Expr ParseExpr() => ParseOr();

    Expr ParseOr()
    {
        var left = ParseXor();
        while (Accept("OR") || AcceptOp("||"))
            left = new Expr.Binary("OR", left, ParseXor());
        return left;
    }

    Expr ParseXor()
    {
        var left = ParseAnd();
        while (Accept("XOR"))
            left = new Expr.Binary("XOR", left, ParseAnd());
        return left;
    }

    Expr ParseAnd()
    {
        var left = ParseNot();
        while (Accept("AND") || AcceptOp("&&"))
            left = new Expr.Binary("AND", left, ParseNot());
        return left;
    }

    Expr ParseNot()
    {
        if (Accept("NOT"))
            return new Expr.Unary("NOT", ParseNot());
        return ParseComparison();
    }

    Expr ParseComparison()
    {
        var left = ParseBitOr();
        while (true)
        {
            var t = Peek;
            if (t.Kind == TokenKind.Operator && t.Text is "=" or "<=>" or "<" or "<=" or ">" or ">=" or "<>" or "!=")
            {
                _pos++;
                string op = t.Text == "!=" ? "<>" : t.Text;
                if ((Peek.Is("ANY") || Peek.Is("SOME") || Peek.Is("ALL")) && PeekAt(1).IsOp("("))
                {
                    bool all = Next().Is("ALL");
                    ExpectOp("(");
                    var query = ParseQuery();
                    ExpectOp(")");
                    left = new Expr.Quantified(left, op, all, query);
                    continue;
                }
                left = new Expr.Binary(op, left, ParseBitOr());
                continue;
            }
            if (t.Is("IS"))
            {
                _pos++;
                bool not = Accept("NOT");
                if (Accept("NULL"))
                    left = new Expr.IsNull(left, not);
                else if (Accept("TRUE"))
                    left = new Expr.IsBool(left, true, not);
                else if (Accept("FALSE"))
                    left = new Expr.IsBool(left, false, not);
                else if (Accept("UNKNOWN"))
                    left = new Expr.IsNull(left, not);
                else
                    throw Error();
                continue;
            }
            bool negated = false;
            int save = _pos;
            if (t.Is("NOT"))
            {
                _pos++;
                negated = true;
            }
            if (Accept("BETWEEN"))
            {
                var low = ParseBitOr();
                Expect("AND");
                var high = ParseBitOr();
                left = new Expr.Between(left, low, high, negated);
                continue;
            }
            if (Accept("IN"))
            {
                ExpectOp("(");
                if (Peek.Is("SELECT"))
                {
                    var q = ParseQuery();
                    ExpectOp(")");
                    left = new Expr.InQuery(left, q, negated);
                    continue;
                }
                var items = new List<Expr>();
                do
                {
                    items.Add(ParseExpr());
                }
                while (AcceptOp(","));
                ExpectOp(")");
                left = new Expr.InList(left, items, negated);
                continue;
            }
            if (Accept("LIKE"))
            {
                var pattern = ParseBitOr();
                Expr? escape = Accept("ESCAPE") ? ParsePrimary() : null;
                left = new Expr.Like(left, pattern, escape, negated);
                continue;
            }
            if (Accept("REGEXP") || Accept("RLIKE"))
            {
                left = new Expr.Regexp(left, ParseBitOr(), negated);
                continue;
            }
            if (!negated && AcceptSequence("SOUNDS", "LIKE"))
            {
                // expr1 SOUNDS LIKE expr2 is SOUNDEX(expr1) = SOUNDEX(expr2).
                left = new Expr.Binary("=", new Expr.Function("SOUNDEX", [left]), new Expr.Function("SOUNDEX", [ParseBitOr()]));
                continue;
            }
            _pos = save;
            return left;
        }
    }

    Expr ParseBitOr()
    {
        var left = ParseBitAnd();
        while (AcceptOp("|"))
            left = new Expr.Binary("|", left, ParseBitAnd());
        return left;
    }

    Expr ParseBitAnd()
    {
        var left = ParseShift();
        while (AcceptOp("&"))
            left = new Expr.Binary("&", left, ParseShift());
        return left;
    }

    Expr ParseShift()
    {
        var left = ParseAdditive();
        while (true)
        {
            if (AcceptOp("<<"))
                left = new Expr.Binary("<<", left, ParseAdditive());
            else if (AcceptOp(">>"))
                left = new Expr.Binary(">>", left, ParseAdditive());
            else
                return left;
        }
    }

    Expr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (true)
        {
            if (AcceptOp("+"))
                left = new Expr.Binary("+", left, ParseMultiplicative());
            else if (AcceptOp("-"))
                left = new Expr.Binary("-", left, ParseMultiplicative());
            else
                return left;
        }
    }

    Expr ParseMultiplicative()
    {
        var left = ParseBitXor();
        while (true)
        {
            if (AcceptOp("*"))
                left = new Expr.Binary("*", left, ParseBitXor());
            else if (AcceptOp("/"))
                left = new Expr.Binary("/", left, ParseBitXor());
            else if (AcceptOp("%") || Accept("MOD"))
                left = new Expr.Binary("%", left, ParseBitXor());
            else if (Accept("DIV"))
                left = new Expr.Binary("DIV", left, ParseBitXor());
            else
                return left;
        }
    }

    Expr ParseBitXor()
    {
        var left = ParseUnary();
        while (AcceptOp("^"))
            left = new Expr.Binary("^", left, ParseUnary());
        return left;
    }

    Expr ParseUnary()
    {
        if (AcceptOp("-"))
        {
            var operand = ParseUnary();
            return new Expr.Unary("-", operand);
        }
        if (AcceptOp("+"))
            return ParseUnary();
        if (AcceptOp("~"))
            return new Expr.Unary("~", ParseUnary());
        if (AcceptOp("!"))
            return new Expr.Unary("NOT", ParseUnary());
        if (Accept("BINARY"))
            return new Expr.Collate(ParseUnary(), "binary");
        var e = ParsePrimary();
        while (true)
        {
            if (Accept("COLLATE"))
            {
                e = new Expr.Collate(e, Name());
                continue;
            }
            if (AcceptOp("->"))
            {
                e = new Expr.Function("JSON_EXTRACT", [e, ParsePrimary()]);
                continue;
            }
            if (AcceptOp("->>"))
            {
                e = new Expr.Function("JSON_UNQUOTE", [new Expr.Function("JSON_EXTRACT", [e, ParsePrimary()])]);
                continue;
            }
            return e;
        }
    }

    Expr Literal(Token t) => new Expr.Literal(
        (_literals is { } known && t.LiteralIndex >= 0 && t.LiteralIndex < known.Length ? known[t.LiteralIndex] : null) ?? LiteralValue(t) ?? throw Error(),
        t.LiteralIndex);

    /// <summary>The value of a literal token: string, long, ulong, decimal, <see cref="ExactDecimal"/>, double or byte[];
    /// null if not a literal.</summary>
    public static object? LiteralValue(Token t) => t.Kind switch
    {
        TokenKind.String => QueryText.HasRawBytes(t.Text) ? QueryText.ToBytes(t.Text) : t.Text,
        TokenKind.Integer => long.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l
            : ulong.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var u) ? u
            : ExactDecimal.FitsDecimal(t.Text) && decimal.TryParse(t.Text, NumberStyles.Number, CultureInfo.InvariantCulture, out var big) ? big
            : new ExactDecimal(t.Text),
        TokenKind.Decimal => ExactDecimal.FitsDecimal(t.Text) && decimal.TryParse(t.Text, NumberStyles.Number, CultureInfo.InvariantCulture, out var m) ? m
            : new ExactDecimal(t.Text),
        TokenKind.Float => double.Parse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture),
        TokenKind.HexString => t.Text.Length % 2 == 0 ? Convert.FromHexString(t.Text) : Convert.FromHexString("0" + t.Text),
        // A bit-value literal is a binary string of whole bytes, as X'…' is (a number where a number is wanted).
        TokenKind.BitString => BitBytes(t.Text),
        _ => null,
    };

    /// <summary>b'1000001' as its bytes, big-endian, ceil(bits / 8) of them (0x41); b'' is the empty string.</summary>
    static byte[] BitBytes(string bits)
    {
        var bytes = new byte[(bits.Length + 7) / 8];
        ulong value = bits.Length == 0 ? 0 : Convert.ToUInt64(bits, 2);
        for (int i = bytes.Length - 1; i >= 0; i--, value >>= 8)
            bytes[i] = (byte)value;
        return bytes;
    }

    Expr ParsePrimary()
    {
        var t = Peek;
        if (t.IsLiteral)
        {
            _pos++;
            return Literal(t);
        }
        switch (t.Kind)
        {
            case TokenKind.Parameter:
                _pos++;
                return new Expr.Parameter(_parameters++);
            case TokenKind.UserVariable:
                _pos++;
                if (AcceptOp(":="))
                    return new Expr.AssignVariable(t.Text, ParseExpr());
                return new Expr.UserVariable(t.Text) { PerRow = AssignsVariables };
            case TokenKind.SystemVariable:
                {
                    _pos++;
                    string name = t.Text;
                    bool global = false;
                    int dot = name.IndexOf('.', StringComparison.Ordinal);
                    if (dot > 0)
                    {
                        string scope = name[..dot];
                        global = scope.Equals("global", StringComparison.OrdinalIgnoreCase);
                        name = name[(dot + 1)..];
                    }
                    return new Expr.SystemVariable(name, global);
                }
            case TokenKind.Operator when t.Text == "(":
                {
                    _pos++;
                    if (Peek.Is("SELECT"))
                    {
                        var q = ParseQuery();
                        ExpectOp(")");
                        return new Expr.Subquery(q);
                    }
                    var first = ParseExpr();
                    if (AcceptOp(","))
                    {
                        var items = new List<Expr> { first };
                        do
                        {
                            items.Add(ParseExpr());
                        }
                        while (AcceptOp(","));
                        ExpectOp(")");
                        return new Expr.Row(items);
                    }
                    ExpectOp(")");
                    return first;
                }
            case TokenKind.Operator when t.Text == "{":
                throw MySqlErrors.NotSupportedYet("ODBC escape syntax");
            case TokenKind.QuotedIdentifier:
                return ParseColumnRef();
            case TokenKind.Identifier:
                break;
            default:
                throw Error();
        }
        string word = t.Text.ToUpperInvariant();
        bool call = PeekAt(1).IsOp("(");
        switch (word)
        {
            case "NULL":
                _pos++;
                return new Expr.Literal(null, -1);
            case "TRUE":
                _pos++;
                return new Expr.Literal(1L, -1) { IsBoolean = true };
            case "FALSE":
                _pos++;
                return new Expr.Literal(0L, -1) { IsBoolean = true };
            case "DATE" or "TIME" or "TIMESTAMP" when PeekAt(1).Kind == TokenKind.String:
                // A typed literal is a value of its type (DATE '2024-01-01' = 20240101 compares as dates): the
                // function of the same name over the string.
                _pos++;
                return new Expr.Function(word, [Literal(Next())]) { TypedLiteral = true };
            case "EXISTS":
                {
                    _pos++;
                    ExpectOp("(");
                    var q = ParseQuery();
                    ExpectOp(")");
                    return new Expr.Exists(q);
                }
            case "NOT":
                _pos++;
                return new Expr.Unary("NOT", ParsePrimary());
            case "CASE":
                return ParseCase();
            case "INTERVAL":
                {
                    _pos++;
                    var value = ParseExpr();
                    // INTERVAL(N, N1, N2, ...): the function, the index of the last Ni at or below N.
                    if (value is Expr.Row { Items.Count: >= 2 } row && Peek.Kind != TokenKind.Identifier)
                        return new Expr.Function("INTERVAL", row.Items);
                    return new Expr.Interval(value, IntervalUnit());
                }
            case "DEFAULT" when !call:
                _pos++;
                return new Expr.Default();
            case "CURRENT_TIMESTAMP" or "LOCALTIME" or "LOCALTIMESTAMP" or "CURRENT_DATE" or "CURRENT_TIME" or "CURRENT_USER"
                or "UTC_TIMESTAMP" or "UTC_DATE" or "UTC_TIME" when !call:
                _pos++;
                return new Expr.Function(word, []);
            case "MATCH" when call:
                throw MySqlErrors.NotSupportedYet("MATCH ... AGAINST");
        }
        if (call)
        {
            var function = ParseFunction(word);
            if (Accept("OVER"))
                return ParseWindow(function);
            return function;
        }
        if (IsReserved(t.Text))
            throw Error();
        return ParseColumnRef();
    }

    Expr ParseWindow(Expr f)
    {
        if (f is not Expr.Function function)
            throw Error();
        if (!AcceptOp("("))
            return new Expr.Window(function, [], [], []) { Name = Identifier() };
        return ParseWindowSpec(function);
    }

    /// <summary>A window specification after its '(' : [base window] [PARTITION BY …] [ORDER BY …] [frame] ')'.</summary>
    Expr.Window ParseWindowSpec(Expr.Function function)
    {
        string? baseName = PeekIdentifier && !Peek.Is("PARTITION") && !Peek.Is("ORDER") && !Peek.Is("ROWS") && !Peek.Is("RANGE") ? Identifier() : null;
        var partition = new List<Expr>();
        if (AcceptSequence("PARTITION", "BY"))
        {
            do
            {
                partition.Add(ParseExpr());
            }
            while (AcceptOp(","));
        }
        var order = ParseOrderByOpt();
        var frame = new List<object>();
        if (Peek.Is("ROWS") || Peek.Is("RANGE"))
        {
            frame.Add(Next().Text.ToUpperInvariant());
            if (Accept("BETWEEN"))
            {
                frame.Add("BETWEEN");
                ParseFrameBound(frame);
                Expect("AND");
                frame.Add("AND");
            }
            ParseFrameBound(frame);
        }
        ExpectOp(")");
        return new Expr.Window(function, partition, order, frame) { Name = baseName };
    }

    void ParseFrameBound(List<object> frame)
    {
        if (AcceptSequence("UNBOUNDED", "PRECEDING"))
            frame.Add("UNBOUNDED PRECEDING");
        else if (AcceptSequence("UNBOUNDED", "FOLLOWING"))
            frame.Add("UNBOUNDED FOLLOWING");
        else if (AcceptSequence("CURRENT", "ROW"))
            frame.Add("CURRENT ROW");
        else
        {
            var t = Next();
            if (t.Kind != TokenKind.Integer)
            {
                _pos--;
                throw Error();
            }
            frame.Add(Literal(t));
            if (Accept("PRECEDING"))
                frame.Add("PRECEDING");
            else
            {
                Expect("FOLLOWING");
                frame.Add("FOLLOWING");
            }
        }
    }

    Expr ParseColumnRef()
    {
        string a = Next().Text;
        if (!Peek.IsOp("."))
            return new Expr.Column(null, null, a);
        _pos++;
        if (AcceptOp("*"))
            return new Expr.Star(null, a);
        string b = NamePart();
        if (!Peek.IsOp("."))
            return new Expr.Column(null, a, b);
        _pos++;
        if (AcceptOp("*"))
            return new Expr.Star(a, b);
        return new Expr.Column(a, b, NamePart());
    }

    string NamePart()
    {
        var t = Peek;
        if (t.Kind is TokenKind.Identifier or TokenKind.QuotedIdentifier)
        {
            _pos++;
            return t.Text;
        }
        throw Error();
    }

    string IntervalUnit()
    {
        var t = Next();
        if (t.Kind != TokenKind.Identifier)
            throw Error();
        return t.Text.ToUpperInvariant();
    }

    Expr ParseCase()
    {
        Expect("CASE");
        Expr? operand = Peek.Is("WHEN") ? null : ParseExpr();
        var whens = new List<(Expr, Expr)>();
        while (Accept("WHEN"))
        {
            var w = ParseExpr();
            Expect("THEN");
            whens.Add((w, ParseExpr()));
        }
        if (whens.Count == 0)
            throw Error();
        Expr? otherwise = Accept("ELSE") ? ParseExpr() : null;
        Expect("END");
        return new Expr.Case(operand, whens, otherwise);
    }

    Expr ParseFunction(string name)
    {
        _pos += 2; // name and '('
        switch (name)
        {
            case "CAST":
                {
                    var value = ParseExpr();
                    Expect("AS");
                    var type = ParseCastType();
                    ExpectOp(")");
                    return new Expr.Cast(value, type);
                }
            case "CONVERT":
                {
                    var value = ParseExpr();
                    if (Accept("USING"))
                    {
                        Name();
                        ExpectOp(")");
                        return value;
                    }
                    ExpectOp(",");
                    var type = ParseCastType();
                    ExpectOp(")");
                    return new Expr.Cast(value, type);
                }
            case "EXTRACT":
                {
                    string unit = IntervalUnit();
                    Expect("FROM");
                    var value = ParseExpr();
                    ExpectOp(")");
                    return new Expr.Function("EXTRACT", [new Expr.Literal(unit, -1), value]);
                }
            case "POSITION":
                {
                    var sub = ParseBitOr();
                    Expect("IN");
                    var s = ParseExpr();
                    ExpectOp(")");
                    return new Expr.Function("LOCATE", [sub, s]);
                }
            case "SUBSTRING" or "SUBSTR" or "MID":
                {
                    var s = ParseExpr();
                    var args = new List<Expr> { s };
                    if (Accept("FROM"))
                    {
                        args.Add(ParseExpr());
                        if (Accept("FOR"))
                            args.Add(ParseExpr());
                    }
                    else
                    {
                        while (AcceptOp(","))
                            args.Add(ParseExpr());
                    }
                    if (args.Count == 1)
                        throw Error();
                    ExpectOp(")");
                    return new Expr.Function("SUBSTRING", args);
                }
            case "TRIM":
                {
                    string mode = "BOTH";
                    if (Accept("BOTH"))
                        mode = "BOTH";
                    else if (Accept("LEADING"))
                        mode = "LEADING";
                    else if (Accept("TRAILING"))
                        mode = "TRAILING";
                    Expr? remove = null;
                    Expr value;
                    if (Accept("FROM"))
                    {
                        value = ParseExpr();
                    }
                    else
                    {
                        var first = ParseExpr();
                        if (Accept("FROM"))
                        {
                            remove = first;
                            value = ParseExpr();
                        }
                        else
                        {
                            value = first;
                        }
                    }
                    ExpectOp(")");
                    string fn = mode switch { "LEADING" => "LTRIM", "TRAILING" => "RTRIM", _ => "TRIM" };
                    return new Expr.Function(fn, remove is null ? [value] : [value, remove]);
                }
            case "GROUP_CONCAT":
                {
                    bool distinct = Accept("DISTINCT");
                    var args = new List<Expr>();
                    do
                    {
                        args.Add(ParseExpr());
                    }
                    while (AcceptOp(","));
                    var order = ParseOrderByOpt();
                    Expr? sep = null;
                    if (Accept("SEPARATOR"))
                        sep = ParsePrimary();
                    ExpectOp(")");
                    return new Expr.Function("GROUP_CONCAT", args, distinct) { Separator = sep, OrderBy = order };
                }
            case "CHAR" when !Peek.IsOp(")"):
                {
                    var args = new List<Expr>();
                    do
                    {
                        args.Add(ParseExpr());
                    }
                    while (AcceptOp(","));
                    if (Accept("USING"))
                        Name();
                    ExpectOp(")");
                    return new Expr.Function("CHAR", args);
                }
            case "DATE_ADD" or "DATE_SUB" or "ADDDATE" or "SUBDATE":
                {
                    var d = ParseExpr();
                    ExpectOp(",");
                    Expr amount;
                    if (Peek.Is("INTERVAL"))
                        amount = ParsePrimary();
                    else
                        amount = new Expr.Interval(ParseExpr(), "DAY");
                    ExpectOp(")");
                    bool sub = name is "DATE_SUB" or "SUBDATE";
                    return new Expr.Binary(sub ? "-" : "+", d, amount);
                }
            case "TIMESTAMPDIFF" or "TIMESTAMPADD":
                {
                    string unit = IntervalUnit();
                    ExpectOp(",");
                    var a = ParseExpr();
                    ExpectOp(",");
                    var b = ParseExpr();
                    ExpectOp(")");
                    return new Expr.Function(name, [new Expr.Literal(unit, -1), a, b]);
                }
        }
        if (AcceptOp(")"))
            return new Expr.Function(name, []);
        if (AcceptOp("*"))
        {
            ExpectOp(")");
            return new Expr.Function(name, [], IsStar: true);
        }
        bool isDistinct = Accept("DISTINCT");
        Accept("ALL");
        var list = new List<Expr>();
        do
        {
            list.Add(ParseExpr());
        }
        while (AcceptOp(","));
        ExpectOp(")");
        return new Expr.Function(name, list, isDistinct);
    }

    DataType ParseCastType()
    {
        var t = Next();
        if (t.Kind != TokenKind.Identifier)
            throw Error();
        string word = t.Text.ToLowerInvariant();
        switch (word)
        {
            case "signed":
                Accept("INTEGER");
                Accept("INT");
                return new DataType("bigint");
            case "unsigned":
                Accept("INTEGER");
                Accept("INT");
                return new DataType("bigint") { Unsigned = true };
            case "char" or "nchar" or "varchar":
                {
                    int? len = OptionalLength(out _);
                    if (AcceptSequence("CHARACTER", "SET") || Accept("CHARSET"))
                        Name();
                    return new DataType("char") { Length = len };
                }
            case "binary":
                return new DataType("binary") { Length = OptionalLength(out _) };
            case "decimal" or "dec" or "numeric":
                {
                    int? p = OptionalLength(out int? s);
                    return new DataType("decimal") { Length = p ?? 10, Scale = s ?? 0 };
                }
            case "date" or "datetime" or "time" or "json" or "year":
                return new DataType(word) { Length = OptionalLength(out _) };
            case "double" or "real":
                Accept("PRECISION");
                return new DataType("double");
            case "float":
                OptionalLength(out _);
                return new DataType("float");
            case "integer" or "int":
                return new DataType("bigint");
            default:
                _pos--;
                throw Error();
        }
    }

    int? OptionalLength(out int? scale)
    {
        scale = null;
        if (!AcceptOp("("))
            return null;
        var t = Next();
        if (t.Kind != TokenKind.Integer)
            throw Error();
        int len = (int)Math.Min(int.MaxValue, ParseInteger(t.Text));
        if (AcceptOp(","))
        {
            var s = Next();
            if (s.Kind != TokenKind.Integer)
                throw Error();
            scale = (int)Math.Min(int.MaxValue, ParseInteger(s.Text));
        }
        ExpectOp(")");
        return len;
    }
}
