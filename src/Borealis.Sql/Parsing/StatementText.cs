using System.Text;

namespace Borealis.Sql.Parsing;

/// <summary>Splitting a command into statements, and the shape key under which a statement's translation is cached.</summary>
internal static class StatementText
{
    /// <summary>Splits the tokens at top-level ';' into statements (each ending with an End token, literals renumbered from 0).
    /// Empty statements are dropped.</summary>
    public static List<List<Token>> Split(List<Token> tokens)
    {
        if (SingleStatement(tokens) is { } single)
            return single.Count > 1 ? [single] : [];
        var result = new List<List<Token>>();
        var current = new List<Token>();
        int literalBase = 0;
        int depth = 0;
        foreach (var t in tokens)
        {
            if (t.Kind == TokenKind.Operator && t.Text == "(")
                depth++;
            else if (t.Kind == TokenKind.Operator && t.Text == ")")
                depth--;
            bool end = t.Kind == TokenKind.End || (t.Kind == TokenKind.Operator && t.Text == ";" && depth <= 0);
            if (end)
            {
                if (current.Count > 0)
                {
                    current.Add(new Token(TokenKind.End, "", t.Start, t.Line));
                    result.Add(current);
                }
                current = [];
                depth = 0;
                continue;
            }
            if (current.Count == 0)
                literalBase = t.LiteralIndex >= 0 ? t.LiteralIndex : FirstLiteral(tokens, t.Start);
            current.Add(t.LiteralIndex >= 0 ? t with { LiteralIndex = t.LiteralIndex - literalBase } : t);
        }
        return result;
    }

    /// <summary>
    /// The common case of one statement, perhaps with semicolons after it: the token list itself, cut after the
    /// statement and ending with an <see cref="TokenKind.End"/> token, instead of a copy (a bulk INSERT has hundreds
    /// of thousands of tokens). Null when a second statement follows.
    /// </summary>
    static List<Token>? SingleStatement(List<Token> tokens)
    {
        int depth = 0;
        for (int i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind == TokenKind.Operator && t.Text == "(")
                depth++;
            else if (t.Kind == TokenKind.Operator && t.Text == ")")
                depth--;
            if (t.Kind == TokenKind.End)
                return tokens;
            if (t.Kind != TokenKind.Operator || t.Text != ";" || depth > 0)
                continue;
            for (int k = i + 1; k < tokens.Count; k++)
            {
                if (tokens[k].Kind == TokenKind.End)
                    break;
                if (tokens[k].Kind != TokenKind.Operator || tokens[k].Text != ";")
                    return null;
            }
            tokens[i] = new Token(TokenKind.End, "", t.Start, t.Line);
            tokens.RemoveRange(i + 1, tokens.Count - i - 1);
            return tokens;
        }
        return tokens;
    }

    static int FirstLiteral(List<Token> tokens, int start)
    {
        foreach (var t in tokens)
        {
            if (t.Start >= start && t.LiteralIndex >= 0)
                return t.LiteralIndex;
        }
        return 0;
    }

    /// <summary>
    /// The statement with every literal replaced by a mark of what the translation may depend on: its kind (a string
    /// and a number compare differently), an integer's size (a BIGINT UNSIGNED or DECIMAL beyond 18 digits) and a
    /// decimal's scale (exact arithmetic is rounded to it). Statements of one shape share a translation.
    /// </summary>
    public static string ShapeKey(List<Token> tokens, string? database)
    {
        var sb = new StringBuilder(128);
        sb.Append(database).Append('\u0001');
        foreach (var t in tokens)
        {
            switch (t.Kind)
            {
                case TokenKind.End:
                    break;
                case TokenKind.String:
                    sb.Append("?s ");
                    break;
                case TokenKind.Integer:
                    // Up to 18 digits always a BIGINT; longer ones may be unsigned or DECIMAL: keyed by their length.
                    if (t.Text.Length > 18)
                        sb.Append("?i").Append(t.Text.Length).Append(' ');
                    else
                        sb.Append("?i ");
                    break;
                case TokenKind.Decimal:
                    {
                        int dot = t.Text.IndexOf('.', StringComparison.Ordinal);
                        sb.Append("?d").Append(t.Text.Length - dot - 1).Append(Syntax.ExactDecimal.FitsDecimal(t.Text) ? " " : "x ");
                        break;
                    }
                case TokenKind.Float:
                    sb.Append("?f ");
                    break;
                case TokenKind.HexString:
                    sb.Append("?x ");
                    break;
                case TokenKind.BitString:
                    sb.Append("?b "); // a number, where a hex string is bytes
                    break;
                case TokenKind.QuotedIdentifier:
                    sb.Append('`').Append(t.Text.Replace("`", "``", StringComparison.Ordinal)).Append("` ");
                    break;
                case TokenKind.Parameter:
                    sb.Append("?p ");
                    break;
                case TokenKind.UserVariable:
                    sb.Append('@').Append(t.Text).Append(' ');
                    break;
                case TokenKind.SystemVariable:
                    sb.Append("@@").Append(t.Text).Append(' ');
                    break;
                default:
                    sb.Append(t.Text).Append(' ');
                    break;
            }
        }
        return sb.ToString();
    }

    public static object?[] LiteralValues(List<Token> tokens)
    {
        int count = 0;
        foreach (var t in tokens)
        {
            if (t.LiteralIndex >= 0)
                count = Math.Max(count, t.LiteralIndex + 1);
        }
        if (count == 0)
            return [];
        var values = new object?[count];
        foreach (var t in tokens)
        {
            if (t.LiteralIndex >= 0)
                values[t.LiteralIndex] = Parser.LiteralValue(t);
        }
        return values;
    }
}
