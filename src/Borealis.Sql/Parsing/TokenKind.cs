namespace Borealis.Sql.Parsing;

/// <summary>What a <see cref="Token"/> is. Keywords are identifiers; the parser recognises them by text.</summary>
internal enum TokenKind : byte
{
    End = 0,
    Identifier,
    QuotedIdentifier,
    String,
    Integer,
    Decimal,
    Float,
    HexString,
    BitString,
    Parameter,
    UserVariable,
    SystemVariable,
    Operator,
}
