namespace Borealis.Sql.Parsing;

/// <summary>One lexical token: its kind, its text (unescaped for strings), and where it starts in the statement.</summary>
/// <param name="LiteralIndex">For literal tokens, their ordinal among the statement's literals (statement shapes bind them as parameters).</param>
internal readonly record struct Token(TokenKind Kind, string Text, int Start, int Line, int LiteralIndex = -1)
{
    /// <summary>Where the token ends in the statement (after a closing quote; before any following space or comment).</summary>
    public int End { get; init; }

    public bool IsLiteral => Kind is TokenKind.String or TokenKind.Integer or TokenKind.Decimal or TokenKind.Float
        or TokenKind.HexString or TokenKind.BitString;

    /// <summary>True when this is the (unquoted) keyword <paramref name="word"/>.</summary>
    public bool Is(string word) => Kind == TokenKind.Identifier && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

    public bool IsOp(string op) => Kind == TokenKind.Operator && Text == op;
}
