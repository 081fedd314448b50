using System.Text;
using Borealis.Sql.Errors;

namespace Borealis.Sql.Parsing;

/// <summary>
/// MySQL's lexical rules: backticks, 'strings' and "strings" with backslash escapes, X'..', b'..', 0x.., numbers
/// with exponents, ?, @var, @@[scope.]var, and the comment forms (<c>-- </c>, <c>#</c>, <c>/* */</c>, with
/// <c>/*! ... */</c> and <c>/*!80000 ... */</c> contents lexed as ordinary text).
/// </summary>
internal static class Lexer
{
    static readonly string[] s_threeCharOps = ["<=>"];
    static readonly string[] s_twoCharOps = ["<=", ">=", "<>", "!=", "<<", ">>", "||", "&&", ":=", "->"];
    static readonly HashSet<string> s_introducers = new(StringComparer.OrdinalIgnoreCase) { "_binary", "_utf8mb4", "_utf8mb3", "_utf8", "_latin1", "_ascii" };

    /// <summary>Splits <paramref name="sql"/> into tokens, ending with an <see cref="TokenKind.End"/> token.</summary>
    public static List<Token> Tokenize(string sql)
    {
        // Sized for the statement, so that a bulk INSERT of thousands of rows does not grow its list (on the large
        // object heap) a dozen times: a VALUES row is about two tokens per comma and one per parenthesis.
        var all = sql.AsSpan();
        int estimate = 2 * all.Count(',') + all.Count('(') + all.Count(')') + 32;
        var tokens = new List<Token>(Math.Min(estimate, sql.Length + 1));
        // One builder for every quoted string and identifier of the statement.
        var quoted = new StringBuilder();
        int i = 0, line = 1, literals = 0;
        int n = sql.Length;
        bool binaryString = false;
        while (true)
        {
            // Every token case ends here with i just past the token.
            if (tokens.Count > 0 && tokens[^1].End == 0)
                tokens[^1] = tokens[^1] with { End = i };
            // Whitespace and comments.
            while (i < n)
            {
                char c = sql[i];
                if (c == '\n')
                {
                    line++;
                    i++;
                }
                else if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c == '#' || (c == '-' && i + 1 < n && sql[i + 1] == '-' && (i + 2 >= n || char.IsWhiteSpace(sql[i + 2]) || char.IsControl(sql[i + 2]))))
                {
                    while (i < n && sql[i] != '\n')
                        i++;
                }
                else if (c == '/' && i + 1 < n && sql[i + 1] == '*')
                {
                    if (i + 2 < n && sql[i + 2] == '!')
                    {
                        // Version comment: its contents are SQL. Skip the marker and an optional version number.
                        i += 3;
                        int digits = 0;
                        while (i < n && char.IsAsciiDigit(sql[i]) && digits < 6)
                        {
                            i++;
                            digits++;
                        }
                        continue;
                    }
                    int close = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    if (close < 0)
                        throw MySqlErrors.Syntax(Near(sql, i), line);
                    for (int k = i; k < close; k++)
                    {
                        if (sql[k] == '\n')
                            line++;
                    }
                    i = close + 2;
                }
                else if (c == '*' && i + 1 < n && sql[i + 1] == '/')
                {
                    // The end of a /*! ... */ version comment.
                    i += 2;
                }
                else
                {
                    break;
                }
            }
            if (i >= n)
            {
                tokens.Add(new Token(TokenKind.End, "", n, line) { End = n });
                return tokens;
            }
            int start = i;
            char ch = sql[i];
            if (ch == '\'' || ch == '"')
            {
                var sb = quoted.Clear();
                i = ReadQuoted(sql, i, ch, sb, ref line, backslashEscapes: true);
                // Adjacent string literals are concatenated ('a' 'b' is 'ab').
                while (true)
                {
                    int j = i;
                    while (j < n && char.IsWhiteSpace(sql[j]))
                        j++;
                    if (j < n && (sql[j] == '\'' || (sql[j] == '"' && ch == '"')))
                    {
                        for (int k = i; k < j; k++)
                        {
                            if (sql[k] == '\n')
                                line++;
                        }
                        i = ReadQuoted(sql, j, sql[j], sb, ref line, backslashEscapes: true);
                    }
                    else
                    {
                        break;
                    }
                }
                string text = sb.ToString();
                if (binaryString)
                {
                    // _binary'…' is a binary string as X'…' is, its bytes kept (QueryText); a plain string holding
                    // bytes that are not UTF-8 becomes one in Parser.LiteralValue.
                    binaryString = false;
                    tokens.Add(new Token(TokenKind.HexString, Convert.ToHexString(QueryText.ToBytes(text)), start, line, literals++));
                    continue;
                }
                tokens.Add(new Token(TokenKind.String, text, start, line, literals++));
                continue;
            }
            if (ch == '`')
            {
                var sb = quoted.Clear();
                i = ReadQuoted(sql, i, '`', sb, ref line, backslashEscapes: false);
                tokens.Add(new Token(TokenKind.QuotedIdentifier, sb.ToString(), start, line));
                continue;
            }
            if ((ch == 'x' || ch == 'X' || ch == 'b' || ch == 'B') && i + 1 < n && sql[i + 1] == '\'')
            {
                int close = sql.IndexOf('\'', i + 2);
                if (close < 0)
                    throw MySqlErrors.Syntax(Near(sql, i), line);
                string body = sql.Substring(i + 2, close - i - 2);
                bool isHex = ch is 'x' or 'X';
                if (isHex ? body.Length % 2 != 0 || !body.All(char.IsAsciiHexDigit) : body.Length > 64 || !body.All(c => c is '0' or '1'))
                    throw MySqlErrors.Syntax(Near(sql, i), line);
                i = close + 1;
                tokens.Add(new Token(ch is 'x' or 'X' ? TokenKind.HexString : TokenKind.BitString, body, start, line, literals++));
                continue;
            }
            if (ch == '0' && i + 2 < n && (sql[i + 1] == 'x' || sql[i + 1] == 'b') && IsHexOrBitBody(sql, i + 2, sql[i + 1] == 'x'))
            {
                bool hex = sql[i + 1] == 'x';
                int j = i + 2;
                while (j < n && (hex ? char.IsAsciiHexDigit(sql[j]) : sql[j] is '0' or '1'))
                    j++;
                if (!hex && j - i - 2 > 64)
                    throw MySqlErrors.Syntax(Near(sql, i), line);
                tokens.Add(new Token(hex ? TokenKind.HexString : TokenKind.BitString, sql[(i + 2)..j], start, line, literals++));
                i = j;
                continue;
            }
            if (char.IsAsciiDigit(ch) || (ch == '.' && i + 1 < n && char.IsAsciiDigit(sql[i + 1]) && !PrecededByIdentifier(tokens, sql, i)))
            {
                int j = i;
                while (j < n && char.IsAsciiDigit(sql[j]))
                    j++;
                var kind = TokenKind.Integer;
                if (j < n && IsIdentChar(sql[j]) && sql[j] is not ('e' or 'E'))
                {
                    // 1abc is an identifier in MySQL.
                    while (j < n && IsIdentChar(sql[j]))
                        j++;
                    tokens.Add(new Token(TokenKind.Identifier, sql[i..j], start, line));
                    i = j;
                    continue;
                }
                if (j < n && sql[j] == '.')
                {
                    kind = TokenKind.Decimal;
                    j++;
                    while (j < n && char.IsAsciiDigit(sql[j]))
                        j++;
                }
                if (j < n && (sql[j] == 'e' || sql[j] == 'E'))
                {
                    int k = j + 1;
                    if (k < n && (sql[k] == '+' || sql[k] == '-'))
                        k++;
                    if (k < n && char.IsAsciiDigit(sql[k]))
                    {
                        kind = TokenKind.Float;
                        j = k;
                        while (j < n && char.IsAsciiDigit(sql[j]))
                            j++;
                    }
                }
                tokens.Add(new Token(kind, sql[i..j], start, line, literals++));
                i = j;
                continue;
            }
            if (ch == '?')
            {
                tokens.Add(new Token(TokenKind.Parameter, "?", start, line));
                i++;
                continue;
            }
            if (ch == '@')
            {
                if (i + 1 < n && sql[i + 1] == '@')
                {
                    int j = i + 2;
                    while (j < n && (IsIdentChar(sql[j]) || sql[j] == '.'))
                        j++;
                    tokens.Add(new Token(TokenKind.SystemVariable, sql[(i + 2)..j], start, line));
                    i = j;
                    continue;
                }
                if (i + 1 < n && (sql[i + 1] is '\'' or '"' or '`'))
                {
                    var sb = quoted.Clear();
                    i = ReadQuoted(sql, i + 1, sql[i + 1], sb, ref line, backslashEscapes: sql[i + 1] != '`');
                    tokens.Add(new Token(TokenKind.UserVariable, sb.ToString(), start, line));
                    continue;
                }
                int e = i + 1;
                while (e < n && (IsIdentChar(sql[e]) || sql[e] == '.'))
                    e++;
                tokens.Add(new Token(TokenKind.UserVariable, sql[(i + 1)..e], start, line));
                i = e;
                continue;
            }
            if (IsIdentChar(ch))
            {
                int j = i;
                while (j < n && IsIdentChar(sql[j]))
                    j++;
                string word = sql[i..j];
                // Charset introducers (_utf8mb4'text') and N'text': the string stands alone.
                if (j < n && sql[j] == '\'' && (word[0] == '_' || word is "N" or "n"))
                {
                    binaryString = word.Equals("_binary", StringComparison.OrdinalIgnoreCase);
                    i = j;
                    continue;
                }
                // A known introducer may also stand apart from its string (MySql.Data writes _binary '…').
                if (s_introducers.Contains(word))
                {
                    int k = j;
                    while (k < n && char.IsWhiteSpace(sql[k]))
                        k++;
                    if (k < n && sql[k] == '\'')
                    {
                        binaryString = word.Equals("_binary", StringComparison.OrdinalIgnoreCase);
                        i = k;
                        continue;
                    }
                }
                tokens.Add(new Token(TokenKind.Identifier, word, start, line));
                i = j;
                continue;
            }
            foreach (var op in s_threeCharOps)
            {
                if (string.CompareOrdinal(sql, i, op, 0, op.Length) == 0)
                {
                    tokens.Add(new Token(TokenKind.Operator, op, start, line));
                    i += op.Length;
                    goto next;
                }
            }
            if (i + 2 < n && sql[i] == '-' && sql[i + 1] == '>' && sql[i + 2] == '>')
            {
                tokens.Add(new Token(TokenKind.Operator, "->>", start, line));
                i += 3;
                continue;
            }
            foreach (var op in s_twoCharOps)
            {
                if (string.CompareOrdinal(sql, i, op, 0, op.Length) == 0)
                {
                    tokens.Add(new Token(TokenKind.Operator, op, start, line));
                    i += op.Length;
                    goto next;
                }
            }
            if ("(),;.=<>+-*/%&|^~!:{}".Contains(ch, StringComparison.Ordinal))
            {
                tokens.Add(new Token(TokenKind.Operator, ch.ToString(), start, line));
                i++;
                continue;
            }
            throw MySqlErrors.Syntax(Near(sql, i), line);
        next:;
        }
    }

    /// <summary>The text MySQL quotes in a 1064 message: the rest of the statement from the error, at most 80 characters.</summary>
    public static string Near(string sql, int position)
    {
        if (position >= sql.Length)
            return "";
        var rest = sql[position..];
        return rest.Length > 80 ? rest[..80] : rest;
    }

    /// <summary>True for "t.5" (a qualified name part), false for "SELECT .5".</summary>
    static bool PrecededByIdentifier(List<Token> tokens, string sql, int i) =>
        tokens.Count > 0 && i > 0 && !char.IsWhiteSpace(sql[i - 1])
        && (tokens[^1].Kind == TokenKind.QuotedIdentifier || (tokens[^1].Kind == TokenKind.Identifier && tokens[^1].Start + tokens[^1].Text.Length == i));

    static bool IsHexOrBitBody(string sql, int i, bool hex)
    {
        int j = i;
        while (j < sql.Length && (hex ? char.IsAsciiHexDigit(sql[j]) : sql[j] is '0' or '1'))
            j++;
        return j > i && (j >= sql.Length || !IsIdentChar(sql[j]));
    }

    static bool IsIdentChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '$' || c > 0x7f;

    static int ReadQuoted(string sql, int i, char quote, StringBuilder sb, ref int line, bool backslashEscapes)
    {
        int n = sql.Length;
        int start = i;
        i++;
        while (true)
        {
            // Copy the run of plain characters at once; stop at what needs a look: the quote, an escape, a newline.
            int plain = backslashEscapes ? sql.AsSpan(i).IndexOfAny(quote, '\\', '\n') : sql.AsSpan(i).IndexOfAny(quote, '\n');
            if (plain < 0)
                throw MySqlErrors.Syntax(Near(sql, start), line);
            sb.Append(sql, i, plain);
            i += plain;
            char c = sql[i];
            if (c == quote)
            {
                if (i + 1 < n && sql[i + 1] == quote)
                {
                    sb.Append(quote);
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            if (c == '\\' && backslashEscapes && i + 1 < n)
            {
                char e = sql[i + 1];
                switch (e)
                {
                    case '0': sb.Append('\0'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'Z': sb.Append('\x1a'); break;
                    case '%': sb.Append("\\%"); break;
                    case '_': sb.Append("\\_"); break;
                    default: sb.Append(e); break;
                }
                if (e == '\n')
                    line++;
                i += 2;
                continue;
            }
            if (c == '\n')
                line++;
            sb.Append(c);
            i++;
        }
    }
}
