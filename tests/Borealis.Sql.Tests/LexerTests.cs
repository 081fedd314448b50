using Borealis.Sql.Parsing;

namespace Borealis.Sql.Tests;

/// <summary>The lexer and the statement splitter on their own: strings, escapes, lines, and one statement versus several.</summary>
public sealed class LexerTests
{
    static List<(TokenKind Kind, string Text)> Kinds(List<Token> tokens) => tokens.Select(t => (t.Kind, t.Text)).ToList();

    [Fact]
    public void QuotedStringsKeepTheirEscapesDoubledQuotesAndLines()
    {
        var tokens = Lexer.Tokenize("SELECT 'it''s', 'a\\nb\\\\c', \"x\\\"y\", 'line\nbreak', `back\\tick`, 'one' 'two' FROM t\nWHERE a = 'z'");
        Assert.Equal(
            [(TokenKind.Identifier, "SELECT"), (TokenKind.String, "it's"), (TokenKind.Operator, ","), (TokenKind.String, "a\nb\\c"),
             (TokenKind.Operator, ","), (TokenKind.String, "x\"y"), (TokenKind.Operator, ","), (TokenKind.String, "line\nbreak"),
             (TokenKind.Operator, ","), (TokenKind.QuotedIdentifier, "back\\tick"), (TokenKind.Operator, ","), (TokenKind.String, "onetwo"),
             (TokenKind.Identifier, "FROM"), (TokenKind.Identifier, "t"), (TokenKind.Identifier, "WHERE"), (TokenKind.Identifier, "a"),
             (TokenKind.Operator, "="), (TokenKind.String, "z"), (TokenKind.End, "")],
            Kinds(tokens));
        // The newline inside the string and the one before WHERE both count.
        Assert.Equal(3, tokens.Single(t => t.Text == "z").Line);
        Assert.Equal([0, 1, 2, 3, 4, 5], tokens.Where(t => t.IsLiteral).Select(t => t.LiteralIndex));
    }

    [Theory]
    [InlineData("SELECT 'open")]
    [InlineData("SELECT 'ends in a backslash\\")]
    [InlineData("SELECT `open")]
    public void AnUnterminatedQuoteIs1064(string sql)
    {
        var e = Assert.Throws<Errors.MySqlErrorException>(() => Lexer.Tokenize(sql));
        Assert.Equal(Errors.MySqlErrorCode.ParseError, e.Code);
    }

    [Theory]
    [InlineData("INSERT INTO t VALUES (1, 'a;b'), (2, 'c')", 1)]
    [InlineData("INSERT INTO t VALUES (1, 'a;b'), (2, 'c');", 1)]
    [InlineData("INSERT INTO t VALUES (1, 'a;b'), (2, 'c');;  ;", 1)]
    [InlineData("SELECT 1; SELECT 'x'", 2)]
    [InlineData("SELECT 1;; SELECT 'x';", 2)]
    [InlineData(";", 0)]
    [InlineData("", 0)]
    public void OneStatementIsTheTokenListItselfAndSeveralAreSplit(string sql, int count)
    {
        var tokens = Lexer.Tokenize(sql);
        var statements = StatementText.Split(tokens);
        Assert.Equal(count, statements.Count);
        foreach (var statement in statements)
        {
            Assert.Equal(TokenKind.End, statement[^1].Kind);
            Assert.DoesNotContain(statement, t => t.Kind == TokenKind.Operator && t.Text == ";");
            // Literal indexes count from each statement's first literal.
            var literals = statement.Where(t => t.IsLiteral).Select(t => t.LiteralIndex).ToList();
            Assert.Equal(Enumerable.Range(0, literals.Count), literals);
        }
        if (count == 1)
            Assert.Same(tokens, statements[0]);
    }
}
