using System.Text;
using Borealis.Sql.Errors;
using Borealis.Sql.Results;
using Borealis.Sql.Syntax;

namespace Borealis.Sql.Execution;

internal sealed partial class Translator
{
    const string NowSql = "strftime('%Y-%m-%d %H:%M:%S','now','localtime')";

    /// <param name="asText">The function wants strings: each argument goes through <see cref="EmitText"/>.</param>
    void Args(Expr.Function f, StringBuilder sb, int from = 0, bool asText = false)
    {
        for (int i = from; i < f.Args.Count; i++)
        {
            if (i > from)
                sb.Append(", ");
            if (asText)
                EmitText(f.Args[i], sb);
            else
                EmitExpr(f.Args[i], sb);
        }
    }

    void Call(string name, Expr.Function f, StringBuilder sb, int min, int max, bool asText = false)
    {
        if (f.Args.Count < min || f.Args.Count > max)
            throw MySqlErrors.WrongParameterCount(f.Name);
        sb.Append(name).Append('(');
        Args(f, sb, asText: asText);
        sb.Append(')');
    }

    /// <summary>A one-argument MySQL function as <paramref name="name"/>(argument<paramref name="extra"/>), where extra adds constant arguments.</summary>
    void UnaryCall(string name, Expr.Function f, StringBuilder sb, string extra)
    {
        if (f.Args.Count != 1)
            throw MySqlErrors.WrongParameterCount(f.Name);
        sb.Append(name).Append('(');
        EmitExpr(f.Args[0], sb);
        sb.Append(extra).Append(')');
    }

    /// <summary>A call whose arguments are JSON documents: JSON_EXTRACT arguments are passed as JSON text.</summary>
    void JsonCall(string name, Expr.Function f, StringBuilder sb, int min, int max)
    {
        if (f.Args.Count > max)
            throw MySqlErrors.WrongParameterCount(f.Name);
        JsonValueCall(name, f, sb, min, _ => false);
    }

    static bool IsJsonExtract(Expr e) => e is Expr.Function { Args.Count: 2 } f && f.Name.Equals("JSON_EXTRACT", StringComparison.OrdinalIgnoreCase);

    /// <summary>An expression where MySQL has a JSON value: JSON_EXTRACT gives the JSON text (SQLite's ->), not the SQL value.</summary>
    void JsonArg(Expr e, StringBuilder sb)
    {
        if (IsJsonExtract(e))
        {
            var f = (Expr.Function)e;
            if (!IsSqlitePath(f.Args[1]))
            {
                // json(): the text keeps SQLite's JSON subtype, so that JSON_ARRAY and JSON_SET embed it as JSON.
                sb.Append("json(__bx_json_extract_json(");
                Args(f, sb);
                sb.Append("))");
                return;
            }
            sb.Append('(');
            EmitExpr(f.Args[0], sb);
            sb.Append(" -> ");
            InlineLiteral((Expr.Literal)f.Args[1], sb);
            sb.Append(')');
            return;
        }
        EmitExpr(e, sb);
    }

    /// <summary>
    /// DATE '…', TIME '…', TIMESTAMP '…': checked here (1525 for a value that is not one, as MySQL refuses the
    /// statement) and written into the SQL text in canonical form, so a cached plan serves only this value.
    /// </summary>
    void EmitTypedLiteral(Expr.Function f, StringBuilder sb)
    {
        var lit = (Expr.Literal)f.Args[0];
        string text = lit.Value is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : ValueCoercion.ToText(lit.Value!);
        string kind = f.Name.ToUpperInvariant();
        int digits = text.IndexOf('.', StringComparison.Ordinal) is int dot and >= 0 ? Math.Min(6, text.Length - dot - 1) : 0;
        string? canonical = kind switch
        {
            "DATE" => ValueCoercion.ParseTemporal(text, dateOnly: true),
            "TIME" => ValueCoercion.ParseTime(text, digits),
            _ => ValueCoercion.ParseTemporal(text, dateOnly: false, digits),
        };
        if (canonical is null)
            throw MySqlErrors.IncorrectTypedLiteral(kind == "TIMESTAMP" ? "DATETIME" : kind, text);
        if (lit.Index >= 0)
            _inlined.Add((lit.Index, lit.Value));
        sb.Append(LiteralSql(canonical));
    }

    /// <summary>
    /// A value given to a JSON function (JSON_ARRAY, JSON_OBJECT's values, JSON_SET's …): JSON as JSON (see
    /// <see cref="JsonArg"/>), and a truth value (TRUE, a comparison, IS NULL, LIKE, IN, NOT, AND …) as a JSON
    /// boolean, as MySQL makes it.
    /// </summary>
    void JsonValueArg(Expr e, StringBuilder sb)
    {
        if (!IsTruthValue(e))
        {
            JsonArg(e, sb);
            return;
        }
        sb.Append("json(CASE (");
        EmitExpr(e, sb);
        sb.Append(") WHEN 0 THEN 'false' WHEN 1 THEN 'true' END)"); // NULL: no branch, SQL NULL, a JSON null
    }

    /// <summary>A value that reaches a JSON function as JSON text (JSON_EXTRACT, a truth value, anything typed JSON).</summary>
    bool IsJsonValue(Expr e) => IsJsonExtract(e) || IsTruthValue(e) || Infer(e)?.Type == MySqlColumnType.Json;

    static bool IsTruthValue(Expr e) => e is Expr.Literal { IsBoolean: true }
        or Expr.Binary { Op: "=" or "<" or "<=" or ">" or ">=" or "<>" or "!=" or "<=>" or "AND" or "OR" or "XOR" or "&&" or "||" }
        or Expr.Unary { Op: "NOT" or "!" } or Expr.IsNull or Expr.IsBool or Expr.Like or Expr.Regexp or Expr.InList or Expr.InQuery
        or Expr.Between or Expr.Exists;

    /// <summary>A JSON function whose arguments at <paramref name="isValue"/> positions are values (<see cref="JsonValueArg"/>).</summary>
    void JsonValueCall(string name, Expr.Function f, StringBuilder sb, int min, Func<int, bool> isValue)
    {
        if (f.Args.Count < min)
            throw MySqlErrors.WrongParameterCount(f.Name);
        sb.Append(name).Append('(');
        for (int i = 0; i < f.Args.Count; i++)
        {
            if (i > 0)
                sb.Append(", ");
            if (isValue(i))
                JsonValueArg(f.Args[i], sb);
            else
                JsonArg(f.Args[i], sb);
        }
        sb.Append(')');
    }

    /// <summary>
    /// A path SQLite's JSON functions read as MySQL does: a literal without wildcards, ranges or <c>last</c>. It is
    /// written into the SQL text, so that a cached plan is reused only for the same path; any other path (a
    /// placeholder, a column, a wildcard) goes to Borealis's own evaluator (<see cref="JsonText"/>).
    /// </summary>
    /// <remarks>[0] is MySQL's too: a value that is not an array is an array of one there, where SQLite finds nothing.</remarks>
    static bool IsSqlitePath(Expr path) =>
        path is Expr.Literal { Value: string p } && p.TrimStart().StartsWith('$') && !p.Contains('*', StringComparison.Ordinal)
        && !p.Contains("last", StringComparison.OrdinalIgnoreCase) && !p.Contains(" to ", StringComparison.OrdinalIgnoreCase)
        && !s_firstCell.IsMatch(p);

    static readonly System.Text.RegularExpressions.Regex s_firstCell = new(@"\[\s*0\s*\]", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    void Strftime(string format, Expr.Function f, StringBuilder sb, bool integer = true)
    {
        if (f.Args.Count != 1)
            throw MySqlErrors.WrongParameterCount(f.Name);
        if (integer)
            sb.Append("CAST(");
        sb.Append("strftime('").Append(format).Append("', ");
        // SQLite takes a number as a Julian day and knows only delimited text; MySQL reads 20240105 and '950501' as
        // dates. A DATE/DATETIME column or expression is already in the canonical form.
        var arg = f.Args[0];
        if (IsDateTyped(arg))
        {
            EmitExpr(arg, sb);
        }
        else
        {
            sb.Append("__bx_datetime(");
            EmitExpr(arg, sb);
            sb.Append(')');
        }
        sb.Append(')');
        if (integer)
            sb.Append(" AS INTEGER)");
    }

    void EmitFunction(Expr.Function f, StringBuilder sb)
    {
        if (f.TypedLiteral)
        {
            EmitTypedLiteral(f, sb);
            return;
        }
        string name = f.Name.ToUpperInvariant();
        switch (name)
        {
            case "COUNT":
                if (f.IsStar)
                {
                    sb.Append("count(*)");
                    return;
                }
                if (f.Args.Count > 1 && f.Distinct)
                {
                    // COUNT(DISTINCT a, b): rows where any is NULL are not counted, as the concatenation is NULL then.
                    sb.Append("count(DISTINCT ");
                    for (int i = 0; i < f.Args.Count; i++)
                    {
                        if (i > 0)
                            sb.Append(" || char(0) || ");
                        sb.Append("CASE WHEN (");
                        EmitExpr(f.Args[i], sb);
                        sb.Append(") IS NOT NULL THEN quote(");
                        EmitExpr(f.Args[i], sb);
                        sb.Append(") END");
                    }
                    sb.Append(')');
                    return;
                }
                if (f.Args.Count != 1)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                sb.Append(f.Distinct ? "count(DISTINCT " : "count(");
                if (f.Distinct)
                    EmitCollated(f.Args[0], sb, EmitExpr); // COUNT(DISTINCT CONCAT(…)) counts 'Ann' and 'ann' once
                else
                    Args(f, sb);
                sb.Append(')');
                return;
            case "ANY_VALUE":
                // MySQL's way to take some row's value of a column the GROUP BY does not determine (ONLY_FULL_GROUP_BY):
                // SQLite gives a bare column of a grouped query that value already.
                if (f.Args.Count != 1)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                sb.Append('(');
                EmitExpr(f.Args[0], sb);
                sb.Append(')');
                return;
            case "SUM" or "AVG" or "MIN" or "MAX":
                {
                    if (f.Args.Count != 1)
                        throw MySqlErrors.WrongParameterCount(f.Name);
                    // A SUM of exact values is exact in MySQL: the binary sum is rounded back to the scale.
                    int? exact = name == "SUM" ? ExactScale(f.Args[0]) : null;
                    if (exact > 0)
                        sb.Append("round(");
                    sb.Append(name.ToLowerInvariant()).Append(f.Distinct ? "(DISTINCT " : "(");
                    if (name is "MIN" or "MAX")
                        EmitCollated(f.Args[0], sb, EmitExpr); // compared under the text collation, as a column's values are
                    else
                        Args(f, sb);
                    sb.Append(')');
                    if (exact > 0)
                        sb.Append(", ").Append(exact.Value).Append(')');
                    return;
                }
            case "GROUP_CONCAT" when f.Distinct && f.Separator is not null:
                {
                    // SQLite's DISTINCT aggregates take one argument: our own aggregate keeps the separator.
                    sb.Append("__bx_group_concat_distinct(");
                    for (int i = 0; i < f.Args.Count; i++)
                    {
                        if (i > 0)
                            sb.Append(" || ");
                        EmitText(f.Args[i], sb);
                    }
                    sb.Append(", ");
                    EmitExpr(f.Separator, sb);
                    sb.Append(f.Args.Count == 1 && IsBinaryString(f.Args[0]) ? ", 0" : ", 1");
                    EmitAggregateOrder(GroupConcatOrder(f), sb);
                    sb.Append(')');
                    return;
                }
            case "GROUP_CONCAT":
                {
                    sb.Append("group_concat(");
                    if (f.Distinct)
                        sb.Append("DISTINCT ");
                    // DISTINCT compares under the text collation unless a value is binary ('Ann' and 'ann' are one).
                    bool collated = f.Distinct && !f.Args.Any(ContainsBinaryString);
                    if (collated)
                        sb.Append('(');
                    for (int i = 0; i < f.Args.Count; i++)
                    {
                        if (i > 0)
                            sb.Append(" || ");
                        EmitText(f.Args[i], sb);
                    }
                    if (collated)
                        sb.Append(" COLLATE " + Engine.TextCollation.Name + ")");
                    if (f.Separator is not null && !f.Distinct)
                    {
                        sb.Append(", ");
                        EmitExpr(f.Separator, sb);
                    }
                    else if (!f.Distinct)
                    {
                        sb.Append(", ','");
                    }
                    EmitAggregateOrder(GroupConcatOrder(f), sb);
                    sb.Append(')');
                    return;
                }
            case "LAST_INSERT_ID":
                if (f.Args.Count == 1)
                {
                    // LAST_INSERT_ID(expr) returns expr and makes it the session's last insert id.
                    sb.Append("__bx_last_insert_id(");
                    EmitExpr(f.Args[0], sb);
                    sb.Append(')');
                    return;
                }
                if (f.Args.Count > 1)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                Param(new ParamSource(ParamKind.LastInsertId), sb);
                return;
            case "ROW_COUNT":
                Param(new ParamSource(ParamKind.RowCount), sb);
                return;
            case "FOUND_ROWS":
                Param(new ParamSource(ParamKind.FoundRows), sb);
                return;
            case "DATABASE" or "SCHEMA":
                Param(new ParamSource(ParamKind.Database), sb);
                return;
            case "CONNECTION_ID":
                Param(new ParamSource(ParamKind.ConnectionId), sb);
                return;
            case "USER" or "CURRENT_USER" or "SESSION_USER" or "SYSTEM_USER":
                Param(new ParamSource(ParamKind.User), sb);
                return;
            case "VERSION":
                Param(new ParamSource(ParamKind.Version), sb);
                return;
            case "NOW" or "CURRENT_TIMESTAMP" or "LOCALTIME" or "LOCALTIMESTAMP" or "SYSDATE":
                if (f.Args.Count == 1 && f.Args[0] is Expr.Literal { Value: long fsp } && fsp > 0)
                    sb.Append("__bx_now(").Append(fsp).Append(')');
                else
                    sb.Append(NowSql);
                return;
            case "UTC_TIMESTAMP":
                sb.Append("strftime('%Y-%m-%d %H:%M:%S','now')");
                return;
            case "CURDATE" or "CURRENT_DATE":
                sb.Append("date('now','localtime')");
                return;
            case "UTC_DATE":
                sb.Append("date('now')");
                return;
            case "CURTIME" or "CURRENT_TIME":
                sb.Append("time('now','localtime')");
                return;
            case "UTC_TIME":
                sb.Append("time('now')");
                return;
            case "UNIX_TIMESTAMP":
                if (f.Args.Count == 0)
                {
                    sb.Append("CAST(strftime('%s','now') AS INTEGER)");
                    return;
                }
                sb.Append("CAST(strftime('%s', ");
                EmitExpr(f.Args[0], sb);
                sb.Append(", 'utc') AS INTEGER)");
                return;
            case "FROM_UNIXTIME":
                if (f.Args.Count is < 1 or > 2)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                if (f.Args.Count == 2)
                    sb.Append("__bx_date_format(");
                sb.Append("datetime(");
                EmitExpr(f.Args[0], sb);
                sb.Append(", 'unixepoch', 'localtime')");
                if (f.Args.Count == 2)
                {
                    sb.Append(", ");
                    EmitExpr(f.Args[1], sb);
                    sb.Append(')');
                }
                return;
            case "TIME_FORMAT":
                Call("__bx_time_format", f, sb, 2, 2);
                return;
            case "CONVERT_TZ":
                Call("__bx_convert_tz", f, sb, 3, 3);
                return;
            case "WEEKOFYEAR":
                UnaryCall("__bx_week", f, sb, ", 3");
                return;
            case "DATE_FORMAT":
                Call("__bx_date_format", f, sb, 2, 2);
                return;
            case "DATE":
                Call("__bx_date", f, sb, 1, 1);
                return;
            case "TIME":
                Call("__bx_time_of", f, sb, 1, 1);
                return;
            case "TIMESTAMP":
                if (f.Args.Count == 2)
                {
                    // TIMESTAMP(expr, time): the datetime plus the time.
                    sb.Append("__bx_addtime(__bx_datetime(");
                    EmitExpr(f.Args[0], sb);
                    sb.Append("), ");
                    EmitExpr(f.Args[1], sb);
                    sb.Append(", 1)");
                    return;
                }
                Call("__bx_datetime", f, sb, 1, 1);
                return;
            case "YEAR":
                Strftime("%Y", f, sb);
                return;
            case "MONTH":
                Strftime("%m", f, sb);
                return;
            case "DAY" or "DAYOFMONTH":
                Strftime("%d", f, sb);
                return;
            case "HOUR" or "MINUTE" or "SECOND":
                // Of a TIME too, which may pass 24 hours or be negative (HOUR('838:59:59') is 838).
                UnaryCall("__bx_time_part", f, sb, name switch { "HOUR" => ", 0", "MINUTE" => ", 1", _ => ", 2" });
                return;
            case "DAYOFYEAR":
                Strftime("%j", f, sb);
                return;
            case "DAYOFWEEK":
                sb.Append('(');
                Strftime("%w", f, sb);
                sb.Append(" + 1)");
                return;
            case "WEEKDAY":
                sb.Append("((");
                Strftime("%w", f, sb);
                sb.Append(" + 6) % 7)");
                return;
            case "DATEDIFF":
                if (f.Args.Count != 2)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                sb.Append("CAST(julianday(date(");
                EmitExpr(f.Args[0], sb);
                sb.Append(")) - julianday(date(");
                EmitExpr(f.Args[1], sb);
                sb.Append(")) AS INTEGER)");
                return;
            case "TIMESTAMPDIFF":
                sb.Append("__bx_timestampdiff(");
                Args(f, sb);
                sb.Append(')');
                return;
            case "TIMESTAMPADD":
                sb.Append("__bx_date_add(");
                EmitExpr(f.Args[2], sb);
                sb.Append(", ");
                EmitExpr(f.Args[1], sb);
                sb.Append(", ");
                EmitExpr(f.Args[0], sb);
                sb.Append(')');
                return;
            case "EXTRACT":
                sb.Append("__bx_extract(");
                Args(f, sb);
                sb.Append(')');
                return;
            case "CONCAT":
                if (f.Args.Count == 0)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                sb.Append('(');
                for (int i = 0; i < f.Args.Count; i++)
                {
                    if (i > 0)
                        sb.Append(" || ");
                    sb.Append("__bx_str(");
                    EmitText(f.Args[i], sb);
                    sb.Append(')');
                }
                sb.Append(')');
                return;
            case "CONCAT_WS":
                Call("__bx_concat_ws", f, sb, 2, 1000, asText: true);
                return;
            case "IFNULL":
                Call("ifnull", f, sb, 2, 2);
                return;
            case "NULLIF":
                Call("nullif", f, sb, 2, 2);
                return;
            case "COALESCE":
                if (f.Args.Count == 0)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                if (f.Args.Count == 1)
                {
                    EmitExpr(f.Args[0], sb);
                    return;
                }
                Call("coalesce", f, sb, 2, 1000);
                return;
            case "IF":
                if (f.Args.Count != 3)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                sb.Append("CASE WHEN ");
                EmitExpr(f.Args[0], sb);
                sb.Append(" THEN ");
                EmitExpr(f.Args[1], sb);
                sb.Append(" ELSE ");
                EmitExpr(f.Args[2], sb);
                sb.Append(" END");
                return;
            case "ISNULL":
                if (f.Args.Count != 1)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                sb.Append('(');
                EmitExpr(f.Args[0], sb);
                sb.Append(" IS NULL)");
                return;
            case "LENGTH" or "OCTET_LENGTH":
                if (f.Args.Count != 1)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                sb.Append("length(CAST(");
                EmitText(f.Args[0], sb);
                sb.Append(" AS BLOB))");
                return;
            case "CHAR_LENGTH" or "CHARACTER_LENGTH":
                Call("length", f, sb, 1, 1, asText: true);
                return;
            case "UPPER" or "UCASE":
                Call("__bx_upper", f, sb, 1, 1);
                return;
            case "LOWER" or "LCASE":
                Call("__bx_lower", f, sb, 1, 1);
                return;
            case "SUBSTRING":
                // MySQL's positions: 0 and a negative one before the start give '', as does a length below 1.
                Call("__bx_substring", f, sb, 2, 3);
                return;
            case "LEFT":
                if (f.Args.Count != 2)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                sb.Append("substr(");
                EmitExpr(f.Args[0], sb);
                sb.Append(", 1, ");
                EmitExpr(f.Args[1], sb);
                sb.Append(')');
                return;
            case "RIGHT":
                Call("__bx_right", f, sb, 2, 2);
                return;
            case "TRIM" or "LTRIM" or "RTRIM":
                Call(name.ToLowerInvariant(), f, sb, 1, 2);
                return;
            case "REPLACE":
                Call("replace", f, sb, 3, 3);
                return;
            case "REPEAT" or "LPAD" or "RPAD" or "REVERSE" or "SPACE" or "STRCMP" or "SUBSTRING_INDEX" or "FIELD" or "FIND_IN_SET"
                or "ELT" or "UUID" or "MD5" or "SHA1" or "SHA2" or "TO_BASE64" or "FROM_BASE64" or "BIN" or "OCT" or "FORMAT"
                or "INSERT" or "LOCATE" or "CHAR" or "ASCII" or "ORD" or "UNHEX" or "QUOTE" or "MAKEDATE" or "LAST_DAY" or "MONTHNAME"
                or "DAYNAME" or "SEC_TO_TIME" or "TIME_TO_SEC" or "TO_DAYS" or "FROM_DAYS" or "WEEK" or "QUARTER"
                or "SOUNDEX" or "MAKE_SET" or "EXPORT_SET" or "MAKETIME" or "INTERVAL"
                or "JSON_VALID" or "SLEEP" or "CRC32"
                or "GET_LOCK" or "RELEASE_LOCK" or "IS_FREE_LOCK" or "IS_USED_LOCK" or "RELEASE_ALL_LOCKS"
                or "INET_ATON" or "INET_NTOA" or "INET6_ATON" or "INET6_NTOA" or "IS_IPV4" or "IS_IPV6" or "IS_IPV4_COMPAT" or "IS_IPV4_MAPPED"
                or "IS_UUID" or "UUID_TO_BIN" or "BIN_TO_UUID" or "UUID_SHORT" or "RANDOM_BYTES" or "COMPRESS" or "UNCOMPRESS"
                or "UNCOMPRESSED_LENGTH" or "AES_ENCRYPT" or "AES_DECRYPT" or "COT" or "TO_SECONDS" or "JSON_PRETTY":
                sb.Append("__bx_").Append(name.ToLowerInvariant()).Append('(');
                Args(f, sb);
                sb.Append(')');
                return;
            case "JSON_UNQUOTE":
                if (f.Args.Count != 1)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                // ->> : the value at the path in MySQL's printed form, unquoted when a string.
                sb.Append("__bx_json_unquote(");
                if (IsJsonExtract(f.Args[0]))
                {
                    sb.Append("__bx_json_out(");
                    JsonArg(f.Args[0], sb);
                    sb.Append(')');
                }
                else
                {
                    EmitExpr(f.Args[0], sb);
                }
                sb.Append(')');
                return;
            case "INSTR":
                Call("instr", f, sb, 2, 2);
                return;
            case "HEX":
                Call("__bx_hex", f, sb, 1, 1);
                return;
            case "ATAN2":
                Call("atan2", f, sb, 2, 2);
                return;
            case "ATAN" when f.Args.Count == 2:
                Call("atan2", f, sb, 2, 2);
                return;
            case "ABS" or "SIGN" or "FLOOR" or "CEIL" or "CEILING" or "SQRT" or "EXP" or "LN" or "LOG10" or "LOG2" or "SIN" or "COS" or "TAN"
                or "ASIN" or "ACOS" or "ATAN" or "RADIANS" or "DEGREES" or "PI":
                {
                    string fn = name switch { "CEILING" => "ceil", _ => name.ToLowerInvariant() };
                    if (name is "FLOOR" or "CEIL" or "CEILING")
                    {
                        sb.Append("CAST(").Append(fn).Append('(');
                        Args(f, sb);
                        sb.Append(") AS INTEGER)");
                        return;
                    }
                    sb.Append(fn).Append('(');
                    Args(f, sb);
                    sb.Append(')');
                    return;
                }
            case "LOG":
                Call(f.Args.Count == 1 ? "ln" : "log", f, sb, 1, 2);
                return;
            case "SHA":
                Call("__bx_sha1", f, sb, 1, 1);
                return;
            case "CHARSET" or "COLLATION" or "COERCIBILITY":
                {
                    if (f.Args.Count != 1)
                        throw MySqlErrors.WrongParameterCount(f.Name);
                    var (charset, collation, coercibility) = StringKind(f.Args[0]);
                    sb.Append(name switch
                    {
                        "CHARSET" => LiteralSql(charset),
                        "COLLATION" => LiteralSql(collation),
                        _ => coercibility.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    });
                    return;
                }
            case "ROUND" or "TRUNCATE":
                if (f.Args.Count != 2 && (name == "TRUNCATE" || f.Args.Count != 1))
                    throw MySqlErrors.WrongParameterCount(f.Name);
                // A third argument says the value is exact (a DECIMAL or decimal literal): rounded as a decimal.
                sb.Append(name == "ROUND" ? "__bx_round(" : "__bx_truncate(");
                Args(f, sb);
                if (f.Args.Count == 1)
                    sb.Append(", 0");
                // 1: exact, rounded half away from zero as a decimal; 2: approximate (DOUBLE), rounded half to even as
                // MySQL's C library does (ROUND(2.5E0) = 2); 0: unknown, half away from zero.
                sb.Append(ExactScale(f.Args[0]) is > 0 ? ", 1)" : Infer(f.Args[0])?.Type is MySqlColumnType.Double or MySqlColumnType.Float ? ", 2)" : ", 0)");
                return;
            case "POW" or "POWER":
                Call("pow", f, sb, 2, 2);
                return;
            case "MOD":
                Call("__bx_mod", f, sb, 2, 2);
                return;
            case "RAND":
                if (f.Args.Count > 1)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                if (f.Args.Count == 1)
                {
                    // A constant seed starts one sequence per call site for the statement; another seed restarts it each call.
                    bool constant = f.Args[0] is Expr.Literal or Expr.Parameter or Expr.Unary { Operand: Expr.Literal };
                    sb.Append("__bx_rand(");
                    EmitExpr(f.Args[0], sb);
                    sb.Append(", ").Append(constant ? _randomSites++ : -1).Append(')');
                    return;
                }
                sb.Append("(abs(random()) / 9223372036854775808.0)");
                return;
            case "GREATEST" or "LEAST" when f.Args.Count >= 2 && f.Args.Any(IsNumberTyped) && f.Args.Any(IsStringTyped):
                // Numbers and strings together compare as numbers (GREATEST(1, 'a') is 1, GREATEST('10', 9) is 10).
                sb.Append("__bx_").Append(name == "GREATEST" ? "greatest" : "least").Append("_number(");
                Args(f, sb);
                sb.Append(')');
                return;
            case "GREATEST" or "LEAST":
                {
                    if (f.Args.Count < 2)
                        throw MySqlErrors.WrongParameterCount(f.Name);
                    // SQLite's max/min compare strings by the first argument that has a collation, else byte by byte;
                    // MySQL by the strings' collation (LEAST('a', 'B') is 'a'). A column brings its own.
                    bool collate = !f.Args.Any(a => a is Expr.Column) && f.Args.Any(TakesTextCollation) && !f.Args.Any(ContainsBinaryString);
                    sb.Append(name == "GREATEST" ? "max(" : "min(");
                    for (int i = 0; i < f.Args.Count; i++)
                    {
                        if (i > 0)
                            sb.Append(", ");
                        if (i == 0 && collate)
                            EmitUnderTextCollation(f.Args[0], sb, EmitExpr);
                        else
                            EmitExpr(f.Args[i], sb);
                    }
                    sb.Append(')');
                    return;
                }
            case "JSON_EXTRACT":
                // In expressions the SQL value (comparisons, arithmetic, ORDER BY); JSON text where JSON is wanted (JsonArg).
                if (f.Args.Count < 2)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                // Several paths: MySQL's array leaves out the paths that match nothing (SQLite's has a null for each).
                if (f.Args.Count == 2 && IsSqlitePath(f.Args[1]))
                {
                    sb.Append("json_extract(");
                    EmitExpr(f.Args[0], sb);
                    InlineLiteral((Expr.Literal)f.Args[1], sb.Append(", "));
                    sb.Append(')');
                }
                else
                {
                    Call("__bx_json_extract", f, sb, 2, 1000);
                }
                return;
            case "JSON_DEPTH":
                JsonCall("__bx_json_depth", f, sb, 1, 1);
                return;
            case "JSON_CONTAINS_PATH":
                JsonCall("__bx_json_contains_path", f, sb, 3, 1000);
                return;
            case "JSON_ARRAY_APPEND" or "JSON_ARRAY_INSERT":
                {
                    if (f.Args.Count < 3 || f.Args.Count % 2 == 0)
                        throw MySqlErrors.WrongParameterCount(f.Name);
                    // Each value goes with whether it is JSON already (JSON_OBJECT, CAST AS JSON, ->) or an SQL value.
                    sb.Append(name == "JSON_ARRAY_APPEND" ? "json(__bx_json_array_append(" : "json(__bx_json_array_insert(");
                    JsonArg(f.Args[0], sb);
                    for (int i = 1; i < f.Args.Count; i += 2)
                    {
                        sb.Append(", ");
                        EmitExpr(f.Args[i], sb);
                        sb.Append(", ");
                        JsonValueArg(f.Args[i + 1], sb);
                        sb.Append(IsJsonValue(f.Args[i + 1]) ? ", 1" : ", 0");
                    }
                    sb.Append("))");
                    return;
                }
            case "JSON_OBJECT":
                JsonValueCall("json_object", f, sb, 0, i => i % 2 == 1);
                return;
            case "JSON_ARRAY":
                JsonValueCall("json_array", f, sb, 0, _ => true);
                return;
            case "JSON_SET" or "JSON_INSERT" or "JSON_REPLACE":
                JsonValueCall(name.ToLowerInvariant(), f, sb, 1, i => i > 0 && i % 2 == 0);
                return;
            case "JSON_REMOVE":
                JsonCall("json_remove", f, sb, 1, 1000);
                return;
            case "JSON_QUOTE":
                Call("json_quote", f, sb, 1, 1);
                return;
            case "JSON_TYPE":
                JsonCall("__bx_json_type", f, sb, 1, 1);
                return;
            case "JSON_KEYS":
                JsonCall("__bx_json_keys", f, sb, 1, 2);
                return;
            case "JSON_ARRAYAGG":
                Call("json_group_array", f, sb, 1, 1);
                return;
            case "JSON_OBJECTAGG":
                Call("json_group_object", f, sb, 2, 2);
                return;
            case "JSON_LENGTH":
                JsonCall("__bx_json_length", f, sb, 1, 2);
                return;
            case "VALUES":
                if (f.Args.Count != 1 || f.Args[0] is not Expr.Column vc)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                if (!_allowValuesFunction)
                {
                    sb.Append("NULL");
                    return;
                }
                sb.Append("excluded.").Append(SqliteUtil.Quote(vc.Name));
                return;
            case "BIT_COUNT":
                Call("__bx_bit_count", f, sb, 1, 1);
                return;
            case "YEARWEEK":
                Call("__bx_yearweek", f, sb, 1, 2);
                return;
            case "MICROSECOND":
                Call("__bx_microsecond", f, sb, 1, 1);
                return;
            case "__BX_ONE":
                Call("__bx_one", f, sb, 1, 1);
                return;
            case "STD" or "STDDEV" or "STDDEV_POP":
                Call("__bx_std_pop", f, sb, 1, 1);
                return;
            case "STDDEV_SAMP":
                Call("__bx_std_samp", f, sb, 1, 1);
                return;
            case "VARIANCE" or "VAR_POP":
                Call("__bx_var_pop", f, sb, 1, 1);
                return;
            case "VAR_SAMP":
                Call("__bx_var_samp", f, sb, 1, 1);
                return;
            case "BIT_AND" or "BIT_OR" or "BIT_XOR":
                Call("__bx_" + name.ToLowerInvariant(), f, sb, 1, 1);
                return;
            case "BIT_LENGTH":
                Call("__bx_bit_length", f, sb, 1, 1);
                return;
            case "CONV":
                Call("__bx_conv", f, sb, 3, 3);
                return;
            case "REGEXP_LIKE":
                Call("__bx_regexp_like", f, sb, 2, 3);
                return;
            case "REGEXP_SUBSTR":
                Call("__bx_regexp_substr", f, sb, 2, 5);
                return;
            case "REGEXP_INSTR":
                Call("__bx_regexp_instr", f, sb, 2, 6);
                return;
            case "REGEXP_REPLACE":
                Call("__bx_regexp_replace", f, sb, 3, 6);
                return;
            case "STR_TO_DATE":
                Call("__bx_str_to_date", f, sb, 2, 2);
                return;
            case "TIMEDIFF":
                Call("__bx_timediff", f, sb, 2, 2);
                return;
            case "ADDTIME" or "SUBTIME":
                if (f.Args.Count != 2)
                    throw MySqlErrors.WrongParameterCount(f.Name);
                sb.Append("__bx_addtime(");
                Args(f, sb);
                sb.Append(name == "ADDTIME" ? ", 1)" : ", -1)");
                return;
            case "PERIOD_DIFF":
                Call("__bx_period_diff", f, sb, 2, 2);
                return;
            case "PERIOD_ADD":
                Call("__bx_period_add", f, sb, 2, 2);
                return;
            case "JSON_CONTAINS":
                JsonCall("__bx_json_contains", f, sb, 2, 3);
                return;
            case "JSON_SEARCH":
                JsonCall("__bx_json_search", f, sb, 3, 1000);
                return;
            case "JSON_MERGE_PATCH":
                JsonCall("__bx_json_merge_patch", f, sb, 2, 1000);
                return;
            case "JSON_MERGE_PRESERVE" or "JSON_MERGE":
                JsonCall("__bx_json_merge_preserve", f, sb, 2, 1000);
                return;
        }
        throw MySqlErrors.FunctionDoesNotExist((_database ?? "") + "." + f.Name.ToLowerInvariant());
    }

    /// <summary>
    /// CHARSET, COLLATION and COERCIBILITY of an expression, from its static type: a column's own, explicit COLLATE
    /// (coercibility 0), a column (2), a system constant such as USER() (3, utf8mb3), a string (4), a number or
    /// another non-string (5, binary), NULL (6).
    /// </summary>
    (string Charset, string Collation, int Coercibility) StringKind(Expr e)
    {
        const string Charset = "utf8mb4", Collation = "utf8mb4_0900_ai_ci";
        switch (e)
        {
            case Expr.Literal { Value: null }:
                return ("binary", "binary", 6);
            case Expr.Collate co:
                {
                    string collation = co.Collation.ToLowerInvariant();
                    return (collation == "binary" ? "binary" : collation.Split('_')[0], collation, 0);
                }
            case Expr.Column c when FindColumn(c) is { } column:
                return column.IsString ? (column.Charset ?? Charset, column.Collation ?? Collation, 2) : ("binary", "binary", column.IsBinary ? 2 : 5);
            case Expr.Literal { Value: string }:
                return (Charset, Collation, 4);
            case Expr.Literal { Value: byte[] }:
                return ("binary", "binary", 4);
            case Expr.Function f when f.Name.ToUpperInvariant() is "USER" or "CURRENT_USER" or "SESSION_USER" or "SYSTEM_USER" or "DATABASE" or "SCHEMA" or "VERSION":
                return ("utf8mb3", "utf8mb3_general_ci", 3);
        }
        if (ContainsBinaryString(e))
            return ("binary", "binary", 4);
        if (IsStringValue(e) || TakesTextCollation(e) || Infer(e)?.Type is MySqlColumnType.VarString or MySqlColumnType.String)
            return (Charset, Collation, Children(e).Any(child => child is Expr.Column col && FindColumn(col) is { IsString: true }) ? 2 : 4);
        return ("binary", "binary", 5);
    }

    /// <summary>An aggregate's own ORDER BY (GROUP_CONCAT's), which SQLite takes inside the call.</summary>
    /// <summary>GROUP_CONCAT's order: its ORDER BY; with DISTINCT and none, its values' own (MySQL's distinct tree gives
    /// them sorted: 'x,y,z' whatever order the rows came in).</summary>
    static IReadOnlyList<OrderItem>? GroupConcatOrder(Expr.Function f) =>
        f.OrderBy is { Count: > 0 } || !f.Distinct ? f.OrderBy : [.. f.Args.Select(a => new OrderItem(a, false))];

    void EmitAggregateOrder(IReadOnlyList<OrderItem>? order, StringBuilder sb)
    {
        if (order is not { Count: > 0 })
            return;
        sb.Append(" ORDER BY ");
        for (int i = 0; i < order.Count; i++)
        {
            if (i > 0)
                sb.Append(", ");
            // As a query's ORDER BY: an ENUM by member number, a SET by its bit mask.
            EmitMemberOperand(order[i].Value, sb);
            if (order[i].Descending)
                sb.Append(" DESC");
        }
    }

    static readonly HashSet<string> s_windowFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK", "CUME_DIST", "NTILE", "LAG", "LEAD", "FIRST_VALUE", "LAST_VALUE", "NTH_VALUE",
    };

    void EmitWindow(Expr.Window w, StringBuilder sb)
    {
        if (s_windowFunctions.Contains(w.Call.Name))
        {
            sb.Append(w.Call.Name.ToLowerInvariant()).Append('(');
            Args(w.Call, sb);
            sb.Append(')');
        }
        else if (w.Call is { Args: [var summed], Distinct: false } && w.Call.Name.Equals("SUM", StringComparison.OrdinalIgnoreCase)
            && ExactScale(summed) is int scale and > 0)
        {
            // As for the SUM aggregate: a running sum of exact values is rounded back to their scale.
            sb.Append("round(sum(");
            EmitExpr(summed, sb);
            sb.Append(") OVER ");
            EmitWindowSpec(w, sb);
            sb.Append(", ").Append(scale).Append(')');
            return;
        }
        else if (w.Call.Name.ToUpperInvariant() is "COUNT" or "SUM" or "AVG" or "MIN" or "MAX" or "GROUP_CONCAT")
        {
            EmitFunction(w.Call, sb);
        }
        else
        {
            throw MySqlErrors.NotSupportedYet(w.Call.Name.ToUpperInvariant() + " as a window function");
        }
        sb.Append(" OVER ");
        EmitWindowSpec(w, sb);
    }

    /// <summary>( [base window] PARTITION BY … ORDER BY … frame ): SQLite's window syntax is MySQL's.</summary>
    void EmitWindowSpec(Expr.Window w, StringBuilder sb)
    {
        if (w.Name is not null && w.PartitionBy.Count == 0 && w.OrderBy.Count == 0 && w.Frame.Count == 0)
        {
            // OVER w, not OVER (w): SQLite refuses the parenthesised form when w has a frame of its own.
            sb.Append(SqliteUtil.Quote(w.Name));
            return;
        }
        sb.Append('(');
        if (w.Name is not null)
            sb.Append(SqliteUtil.Quote(w.Name));
        if (w.PartitionBy.Count > 0)
        {
            sb.Append(w.Name is null ? "PARTITION BY " : " PARTITION BY ");
            for (int i = 0; i < w.PartitionBy.Count; i++)
            {
                if (i > 0)
                    sb.Append(", ");
                EmitCollated(w.PartitionBy[i], sb, EmitExpr);
            }
        }
        if (w.OrderBy.Count > 0)
        {
            sb.Append(w.PartitionBy.Count > 0 || w.Name is not null ? " ORDER BY " : "ORDER BY ");
            for (int i = 0; i < w.OrderBy.Count; i++)
            {
                if (i > 0)
                    sb.Append(", ");
                EmitCollated(w.OrderBy[i].Value, sb, EmitExpr);
                if (w.OrderBy[i].Descending)
                    sb.Append(" DESC");
            }
        }
        foreach (var part in w.Frame)
        {
            sb.Append(' ');
            if (part is Expr.Literal lit)
                InlineLiteral(lit, sb);
            else
                sb.Append((string)part);
        }
        sb.Append(')');
    }

    bool _allowValuesFunction;

    /// <summary>Call sites of RAND(N) with a constant seed in this statement.</summary>
    int _randomSites;

    void AllowValues(bool allow) => _allowValuesFunction = allow;

    static ColumnHint Int(uint length = 21, ColumnFlags flags = ColumnFlags.None) => new(MySqlColumnType.LongLong, length, 0, flags | ColumnFlags.Binary);

    static ColumnHint Str(uint chars = 255) => new(MySqlColumnType.VarString, chars * 4, 31, ColumnFlags.None, CharacterSets.Utf8mb4General);

    static readonly ColumnHint s_double = new(MySqlColumnType.Double, 23, 31, ColumnFlags.Binary);
    static readonly ColumnHint s_datetime = new(MySqlColumnType.DateTime, 19, 0, ColumnFlags.Binary);
    static readonly ColumnHint s_date = new(MySqlColumnType.Date, 10, 0, ColumnFlags.Binary);
    static readonly ColumnHint s_time = new(MySqlColumnType.Time, 10, 0, ColumnFlags.Binary);

    /// <summary>A number by its static type: a number literal, a numeric column, an expression inferred numeric.</summary>
    bool IsNumberTyped(Expr e) => IsNumberLiteral(e)
        || (e is Expr.Column c ? FindColumn(c) is { } info && (info.IsInteger || info.DataType is "decimal" or "float" or "double")
            : Infer(e)?.Type is MySqlColumnType.LongLong or MySqlColumnType.Long or MySqlColumnType.Int24 or MySqlColumnType.Short
                or MySqlColumnType.Tiny or MySqlColumnType.NewDecimal or MySqlColumnType.Double or MySqlColumnType.Float);

    /// <summary>A character string by its static type: a string literal or a CHAR/VARCHAR/TEXT column.</summary>
    bool IsStringTyped(Expr e) => e is Expr.Literal { Value: string }
        || (e is Expr.Column c && FindColumn(c) is { DataType: "char" or "varchar" or "tinytext" or "text" or "mediumtext" or "longtext" });

    /// <summary>The result type of a computed select item, or null to decide from the first row's value.</summary>
    internal ColumnHint? Infer(Expr e)
    {
        switch (e)
        {
            case Expr.Literal { Value: null }:
                return new ColumnHint(MySqlColumnType.Null, 0, 0, ColumnFlags.Binary);
            case Expr.Literal { Value: long l }:
                return Int((uint)l.ToString(System.Globalization.CultureInfo.InvariantCulture).Length, ColumnFlags.NotNull);
            case Expr.Literal { Value: ulong }:
                return Int(20, ColumnFlags.NotNull | ColumnFlags.Unsigned);
            case Expr.Literal { Value: decimal or ExactDecimal } lit:
                {
                    var text = Convert.ToString(lit.Value, System.Globalization.CultureInfo.InvariantCulture)!;
                    int dot = text.IndexOf('.', StringComparison.Ordinal);
                    byte scale = (byte)(dot < 0 ? 0 : text.Length - dot - 1);
                    return new ColumnHint(MySqlColumnType.NewDecimal, (uint)text.Length, scale, ColumnFlags.NotNull | ColumnFlags.Binary);
                }
            case Expr.Literal { Value: double }:
                return s_double;
            case Expr.AssignVariable av:
                return Infer(av.Value) is { } assigned ? assigned with { Flags = assigned.Flags & ~ColumnFlags.NotNull } : null;
            case Expr.Literal { Value: string s }:
                return new ColumnHint(MySqlColumnType.VarString, (uint)Math.Max(s.Length, 1) * 4, 31, ColumnFlags.NotNull, CharacterSets.Utf8mb4General);
            case Expr.Binary { Op: "=" or "<" or "<=" or ">" or ">=" or "<>" or "<=>" or "AND" or "OR" or "XOR" }:
            case Expr.Between or Expr.InList or Expr.InQuery or Expr.Exists or Expr.IsNull or Expr.IsBool or Expr.Like or Expr.Regexp:
            case Expr.Unary { Op: "NOT" }:
                return Int(1);
            case Expr.Binary { Op: "/" } div:
                {
                    // DECIMAL division: the dividend's scale plus div_precision_increment (4).
                    var l = Infer(div.Left);
                    if (l?.Type is MySqlColumnType.Double or MySqlColumnType.Float)
                        return s_double;
                    int scale = Math.Min(30, (DecimalScale(l, div.Left) ?? 0) + 4);
                    return new ColumnHint(MySqlColumnType.NewDecimal, (uint)(14 + scale), (byte)scale, ColumnFlags.Binary);
                }
            case Expr.Binary { Op: "DIV" }:
                return Int();
            case Expr.Binary { Op: "%" or "MOD" } m when ModuloScale(m.Left, m.Right) is int modScale:
                return new ColumnHint(MySqlColumnType.NewDecimal, (uint)(20 + modScale), (byte)modScale, ColumnFlags.Binary);
            case Expr.Binary { Op: "&" or "|" or "^" or "<<" or ">>" }:
            case Expr.Unary { Op: "~" }:
                return Int(20, ColumnFlags.Unsigned);
            case Expr.Binary { Op: "+" or "-", Right: Expr.Interval ri } da:
                return DateArithmetic(da.Left, ri.Unit);
            case Expr.Binary { Op: "+" or "-" or "*" } b:
                {
                    var l = Infer(b.Left);
                    var r = Infer(b.Right);
                    if (IsIntegral(l, b.Left) && IsIntegral(r, b.Right))
                        return Int();
                    // Exact arithmetic keeps DECIMAL: scale max(s1, s2) for + and -, s1 + s2 for *.
                    if (DecimalScale(l, b.Left) is int ls && DecimalScale(r, b.Right) is int rs)
                        return new ColumnHint(MySqlColumnType.NewDecimal, 66, (byte)ArithmeticScale(b.Op, ls, rs), ColumnFlags.Binary);
                    if (l?.Type is MySqlColumnType.Double or MySqlColumnType.Float || r?.Type is MySqlColumnType.Double or MySqlColumnType.Float)
                        return s_double;
                    return null;
                }
            case Expr.Cast c:
                return c.Type.Name switch
                {
                    "bigint" => Int(flags: c.Type.Unsigned ? ColumnFlags.Unsigned : ColumnFlags.None),
                    "char" => Str(),
                    "date" => s_date,
                    "datetime" => s_datetime,
                    "time" => s_time,
                    "double" or "float" => s_double,
                    "decimal" => new ColumnHint(MySqlColumnType.NewDecimal, (uint)(c.Type.Length ?? 10) + 2, (byte)(c.Type.Scale ?? 0), ColumnFlags.Binary),
                    "json" => new ColumnHint(MySqlColumnType.Json, uint.MaxValue, 0, ColumnFlags.Binary | ColumnFlags.Blob),
                    _ => null,
                };
            case Expr.SystemVariable sv:
                return SystemVariables.IsNumeric(sv.Name) ? Int() : Str();
            case Expr.Function f:
                return InferFunction(f);
            case Expr.Window w:
                return w.Call.Name.ToUpperInvariant() switch
                {
                    "ROW_NUMBER" or "RANK" or "DENSE_RANK" or "NTILE" => Int(),
                    "PERCENT_RANK" or "CUME_DIST" => s_double,
                    "LAG" or "LEAD" or "FIRST_VALUE" or "LAST_VALUE" or "NTH_VALUE" => w.Call.Args.Count > 0 ? Infer(w.Call.Args[0]) : null,
                    _ => InferFunction(w.Call),
                };
            case Expr.Column c:
                {
                    var info = FindColumn(c);
                    return info is null ? DerivedColumnHint(c) : ResultColumns.Hint(info);
                }
            case Expr.Unary { Op: "-" } neg:
                return Infer(neg.Operand) is { Type: MySqlColumnType.LongLong or MySqlColumnType.NewDecimal or MySqlColumnType.Double } h
                    ? h with { Flags = h.Flags & ~ColumnFlags.Unsigned } : null;
            default:
                return null;
        }
    }

    /// <summary>
    /// The type of date arithmetic (DATE_ADD, + INTERVAL, TIMESTAMPADD) as MySQL gives it: DATE for a DATE with a
    /// date unit, DATETIME for a DATETIME (or a DATE with a time unit), a string for a string argument.
    /// </summary>
    ColumnHint DateArithmetic(Expr date, string unit)
    {
        bool dateUnit = unit.ToUpperInvariant() is "DAY" or "WEEK" or "MONTH" or "QUARTER" or "YEAR" or "YEAR_MONTH";
        var hint = Infer(date);
        if (hint?.Type == MySqlColumnType.Date)
            return dateUnit ? s_date : s_datetime;
        if (hint?.Type is MySqlColumnType.DateTime or MySqlColumnType.Timestamp)
            return s_datetime;
        return Str(29);
    }

    /// <summary>The scale of an exact (integer or DECIMAL) operand, or null.</summary>
    int? DecimalScale(ColumnHint? hint, Expr e)
    {
        if (IsIntegral(hint, e))
            return 0;
        if (e is Expr.Column c && FindColumn(c) is { DataType: "decimal" } d)
            return d.Scale ?? 0;
        if (hint is { Type: MySqlColumnType.NewDecimal } h)
            return h.Decimals;
        return null;
    }

    /// <summary>
    /// The scale of an exact numeric expression: an integer or DECIMAL column or literal, +, - and * of them (scale
    /// max(s1, s2) for + and -, s1 + s2 for *, at most 30), or SUM, MIN, MAX and ABS of one; null for anything else (a division, a parameter, a
    /// string, a float). MySQL computes these exactly. Stored as binary doubles they carry noise (0.1 + 0.2 is
    /// 0.30000000000000004), which rounding to the scale removes exactly while the value has at most 15 digits.
    /// </summary>
    internal int? ExactScale(Expr e)
    {
        switch (e)
        {
            case Expr.Literal { Value: long or ulong }:
                return 0;
            case Expr.Literal { Value: decimal or ExactDecimal }:
                return Infer(e)?.Decimals;
            case Expr.Column c:
                return FindColumn(c) switch
                {
                    { IsInteger: true } => 0,
                    { DataType: "decimal" } d => d.Scale ?? 0,
                    _ => null,
                };
            case Expr.Unary { Op: "-" } u:
                return ExactScale(u.Operand);
            case Expr.Function { Args: [var arg] } f when f.Name.ToUpperInvariant() is "SUM" or "MIN" or "MAX" or "ABS":
                return ExactScale(arg);
            case Expr.Binary { Op: "+" or "-" or "*" } b when b.Left is not Expr.Interval && b.Right is not Expr.Interval:
                if (ExactScale(b.Left) is not int left || ExactScale(b.Right) is not int right)
                    return null;
                return ArithmeticScale(b.Op, left, right);
            default:
                return null;
        }
    }

    /// <summary>A DECIMAL with a fraction by its static type (a DECIMAL(p, s &gt; 0) column, a decimal literal, their
    /// exact arithmetic, a division).</summary>
    bool IsFractionalDecimal(Expr e) => ExactScale(e) is int scale ? scale > 0 : Infer(e) is { Type: MySqlColumnType.NewDecimal, Decimals: > 0 };

    /// <summary>The value of an integer literal, negative ones included; null for anything else.</summary>
    static long? IntegerLiteral(Expr e) => e switch
    {
        Expr.Literal { Value: long v } => v,
        Expr.Unary { Op: "-", Operand: Expr.Literal { Value: long v } } => -v,
        _ => null,
    };

    /// <summary>The scale of MOD of two exact numbers when one has a fraction (10 % 3.5 is 3.0): the larger; else null.</summary>
    int? ModuloScale(Expr dividend, Expr divisor) =>
        ExactScale(dividend) is int a && ExactScale(divisor) is int b && Math.Max(a, b) > 0 ? Math.Max(a, b) : null;

    /// <summary>MySQL's scale of exact <c>+</c>, <c>-</c> (the larger) and <c>*</c> (the sum), at most 30.</summary>
    static int ArithmeticScale(string op, int left, int right) => Math.Min(30, op == "*" ? left + right : Math.Max(left, right));

    bool IsIntegral(ColumnHint? hint, Expr e) =>
        hint is { Type: MySqlColumnType.LongLong or MySqlColumnType.Long or MySqlColumnType.Int24 or MySqlColumnType.Short or MySqlColumnType.Tiny }
        || (e is Expr.Column c && FindColumn(c) is { IsInteger: true });

    ColumnHint? InferFunction(Expr.Function f)
    {
        switch (f.Name.ToUpperInvariant())
        {
            case "COUNT" or "LAST_INSERT_ID" or "ROW_COUNT" or "FOUND_ROWS" or "CONNECTION_ID" or "LENGTH" or "CHAR_LENGTH" or "OCTET_LENGTH"
                or "CHARACTER_LENGTH" or "UNIX_TIMESTAMP" or "YEAR" or "MONTH" or "DAY" or "DAYOFMONTH" or "HOUR" or "MINUTE" or "SECOND" or "WEEKOFYEAR"
                or "DATEDIFF" or "TIMESTAMPDIFF" or "INSTR" or "LOCATE" or "FLOOR" or "CEIL" or "CEILING" or "DAYOFWEEK" or "DAYOFYEAR"
                or "WEEKDAY" or "EXTRACT" or "BIT_COUNT" or "CRC32" or "ASCII" or "ORD" or "SIGN" or "STRCMP" or "FIELD" or "FIND_IN_SET"
                or "GET_LOCK" or "RELEASE_LOCK" or "IS_FREE_LOCK" or "IS_USED_LOCK" or "RELEASE_ALL_LOCKS" or "INTERVAL":
                return Int(f.Name.Equals("COUNT", StringComparison.OrdinalIgnoreCase) ? 21u : 11u);
            case "SUM":
                {
                    if (f.Args.Count == 1 && f.Args[0] is Expr.Column c && FindColumn(c) is { } info)
                    {
                        if (info.IsInteger)
                            return new ColumnHint(MySqlColumnType.NewDecimal, 33, 0, ColumnFlags.Binary);
                        if (info.DataType == "decimal")
                            return new ColumnHint(MySqlColumnType.NewDecimal, (uint)(info.Length ?? 10) + 23, (byte)(info.Scale ?? 0), ColumnFlags.Binary);
                        if (info.DataType is "float" or "double")
                            return s_double;
                    }
                    if (f.Args.Count == 1 && ExactScale(f.Args[0]) is int scale)
                        return new ColumnHint(MySqlColumnType.NewDecimal, 66, (byte)scale, ColumnFlags.Binary);
                    return null;
                }
            case "AVG":
                {
                    if (f.Args.Count == 1 && f.Args[0] is Expr.Column c && FindColumn(c) is { } info)
                    {
                        if (info.IsInteger)
                            return new ColumnHint(MySqlColumnType.NewDecimal, 14, 4, ColumnFlags.Binary);
                        if (info.DataType == "decimal")
                            return new ColumnHint(MySqlColumnType.NewDecimal, (uint)(info.Length ?? 10) + 6, (byte)Math.Min(30, (info.Scale ?? 0) + 4), ColumnFlags.Binary);
                        if (info.DataType is "float" or "double")
                            return s_double;
                    }
                    if (f.Args.Count == 1 && ExactScale(f.Args[0]) is int scale)
                        return new ColumnHint(MySqlColumnType.NewDecimal, 66, (byte)scale, ColumnFlags.Binary);
                    return null;
                }
            case "MIN" or "MAX" or "NULLIF" or "ANY_VALUE":
                return f.Args.Count > 0 ? Infer(f.Args[0]) : null;
            case "IFNULL" or "COALESCE":
                {
                    // The type of the non-NULL arguments when they agree; a NULL literal says nothing.
                    var hints = f.Args.Where(a => a is not Expr.Literal { Value: null }).Select(Infer).ToList();
                    return hints.Count > 0 && hints.All(h => h is not null && h.Type == hints[0]!.Type) ? hints[0] : null;
                }
            case "TIMESTAMPADD":
                return f.Args.Count == 3 && f.Args[0] is Expr.Literal { Value: string unit } ? DateArithmetic(f.Args[2], unit) : s_datetime;
            case "STR_TO_DATE":
                return f.Args.Count == 2 && f.Args[1] is Expr.Literal { Value: string format }
                    ? SqlFunctions.StrToDateKind(format) switch { "date" => s_date, "time" => s_time, _ => s_datetime }
                    : s_datetime;
            case "PI":
                return new ColumnHint(MySqlColumnType.Double, 8, 6, ColumnFlags.Binary);
            case "STD" or "STDDEV" or "STDDEV_POP" or "STDDEV_SAMP" or "VARIANCE" or "VAR_POP" or "VAR_SAMP":
                {
                    // A DOUBLE shown with the argument's scale + 4 digits (STD of integers: 7.0711), as MySQL.
                    var arg = f.Args.Count == 1 ? Infer(f.Args[0]) : null;
                    if (arg?.Type is MySqlColumnType.Double or MySqlColumnType.Float)
                        return s_double;
                    int scale = f.Args.Count == 1 && (IsIntegral(arg, f.Args[0]) || DecimalScale(arg, f.Args[0]) is not null)
                        ? Math.Min(30, (DecimalScale(arg, f.Args[0]) ?? 0) + 4) : 31;
                    return new ColumnHint(MySqlColumnType.Double, 23, (byte)scale, ColumnFlags.Binary);
                }
            case "BIT_AND" or "BIT_OR" or "BIT_XOR":
                return Int(20, ColumnFlags.Unsigned);
            case "BIT_LENGTH" or "YEARWEEK" or "MICROSECOND" or "REGEXP_INSTR" or "REGEXP_LIKE" or "PERIOD_DIFF" or "PERIOD_ADD" or "JSON_LENGTH" or "JSON_CONTAINS" or "TIME_TO_SEC" or "TO_DAYS"
                or "JSON_DEPTH" or "JSON_CONTAINS_PATH":
                return Int();
            case "REGEXP_SUBSTR" or "REGEXP_REPLACE" or "CONV" or "JSON_TYPE" or "BIN" or "OCT":
                return Str();
            case "ROUND" or "TRUNCATE" when f.Args is [var value, var places] && IntegerLiteral(places) is long d && IsFractionalDecimal(value):
                {
                    // A DECIMAL rounded to D places is a DECIMAL of scale D (ROUND(10.50, 4) is 10.5000; D ≤ 0: scale 0).
                    byte scale = (byte)Math.Clamp(d, 0, 30);
                    return new ColumnHint(MySqlColumnType.NewDecimal, 20u + scale, scale, ColumnFlags.Binary);
                }
            case "ROUND" or "TRUNCATE" when f.Args is [var approximate, var places] && IntegerLiteral(places) is long d and > 0 and < 31
                && (Infer(approximate)?.Type is MySqlColumnType.Double or MySqlColumnType.Float
                    || approximate is Expr.Column c && FindColumn(c) is { DataType: "double" or "float" }):
                // A DOUBLE keeps D decimals in its printed form (TRUNCATE(1.25E0, 3) is 1.250).
                return new ColumnHint(MySqlColumnType.Double, 23, (byte)d, ColumnFlags.Binary);
            case "MOD" when f.Args is [var dividend, var divisor] && ModuloScale(dividend, divisor) is int modScale:
                return new ColumnHint(MySqlColumnType.NewDecimal, (uint)(20 + modScale), (byte)modScale, ColumnFlags.Binary);
            case "GREATEST" or "LEAST" when f.Args.Count >= 2 && f.Args.Any(IsNumberTyped) && f.Args.Any(IsStringTyped):
                return s_double; // compared, and returned, as numbers
            case "GREATEST" or "LEAST" when f.Args.Count >= 2 && f.Args.All(IsNumberLiteral) && f.Args.Any(a => ExactScale(a) > 0) && f.Args.All(a => ExactScale(a) is not null):
                {
                    // Exact numbers: a DECIMAL of the largest scale (LEAST(2.5, 1) is 1.0).
                    int scale = f.Args.Max(a => ExactScale(a)!.Value);
                    return new ColumnHint(MySqlColumnType.NewDecimal, (uint)(20 + scale), (byte)scale, ColumnFlags.Binary);
                }
            case "TIMEDIFF":
                return s_time;
            case "JSON_SEARCH" or "JSON_MERGE_PATCH" or "JSON_MERGE_PRESERVE" or "JSON_MERGE":
                return new ColumnHint(MySqlColumnType.Json, uint.MaxValue, 0, ColumnFlags.Binary | ColumnFlags.Blob);
            case "FROM_UNIXTIME" when f.Args.Count == 2:
                return Str();
            case "NOW" or "CURRENT_TIMESTAMP" or "LOCALTIME" or "LOCALTIMESTAMP" or "SYSDATE" or "UTC_TIMESTAMP" or "FROM_UNIXTIME"
                or "DATE_ADD" or "DATE_SUB" or "TIMESTAMP" or "CONVERT_TZ":
                return s_datetime;
            case "CURDATE" or "CURRENT_DATE" or "UTC_DATE" or "DATE" or "LAST_DAY" or "MAKEDATE" or "FROM_DAYS":
                return s_date;
            case "CURTIME" or "CURRENT_TIME" or "UTC_TIME" or "TIME" or "SEC_TO_TIME" or "MAKETIME":
                return s_time;
            case "DATABASE" or "SCHEMA" or "USER" or "CURRENT_USER" or "SESSION_USER" or "SYSTEM_USER" or "VERSION":
                return Str(64);
            case "CONCAT" or "CONCAT_WS" or "DATE_FORMAT" or "TIME_FORMAT" or "UPPER" or "LOWER" or "UCASE" or "LCASE" or "SUBSTRING" or "LEFT" or "RIGHT"
                or "TRIM" or "LTRIM" or "RTRIM" or "REPLACE" or "REPEAT" or "LPAD" or "RPAD" or "REVERSE" or "GROUP_CONCAT" or "HEX"
                or "UUID" or "MD5" or "SHA1" or "SHA2" or "MONTHNAME" or "DAYNAME" or "FORMAT" or "SUBSTRING_INDEX" or "JSON_UNQUOTE"
                or "SOUNDEX" or "MAKE_SET" or "EXPORT_SET":
                return Str(f.Name.Equals("GROUP_CONCAT", StringComparison.OrdinalIgnoreCase) ? 1024u : 255u);
            case "JSON_EXTRACT" or "JSON_OBJECT" or "JSON_ARRAY" or "JSON_SET" or "JSON_INSERT" or "JSON_REPLACE" or "JSON_REMOVE" or "JSON_KEYS" or "JSON_ARRAY_APPEND" or "JSON_ARRAY_INSERT"
                or "JSON_ARRAYAGG" or "JSON_OBJECTAGG":
                return new ColumnHint(MySqlColumnType.Json, uint.MaxValue, 0, ColumnFlags.Binary | ColumnFlags.Blob);
            case "RAND" or "SQRT" or "POW" or "POWER" or "EXP" or "LN" or "LOG" or "LOG10" or "LOG2" or "SIN" or "COS" or "TAN"
                or "COT" or "ATAN2":
                return s_double;
            case "INET_ATON" or "UUID_SHORT":
                return Int(21, ColumnFlags.Unsigned);
            case "IS_IPV4" or "IS_IPV6" or "IS_IPV4_COMPAT" or "IS_IPV4_MAPPED" or "IS_UUID":
                return Int(1);
            case "UNCOMPRESSED_LENGTH" or "TO_SECONDS":
                return Int();
            case "INET_NTOA" or "INET6_NTOA":
                return Str(39);
            case "BIN_TO_UUID":
                return Str(36);
            case "SHA":
                return Str(40);
            case "INET6_ATON" or "UUID_TO_BIN" or "RANDOM_BYTES" or "AES_ENCRYPT" or "AES_DECRYPT":
                return new ColumnHint(MySqlColumnType.VarString, 255, 0, ColumnFlags.Binary);
            case "COMPRESS" or "UNCOMPRESS":
                return new ColumnHint(MySqlColumnType.Blob, uint.MaxValue, 0, ColumnFlags.Binary | ColumnFlags.Blob);
            case "JSON_PRETTY":
                return new ColumnHint(MySqlColumnType.Blob, uint.MaxValue, 31, ColumnFlags.Blob, CharacterSets.Utf8mb4General);
            default:
                return null;
        }
    }
}
