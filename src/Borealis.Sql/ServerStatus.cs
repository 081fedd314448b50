namespace Borealis.Sql;

/// <summary>Server status flags sent in OK and EOF packets (SERVER_STATUS_*).</summary>
[Flags]
public enum ServerStatus : ushort
{
    None = 0,
    InTransaction = 0x0001,
    Autocommit = 0x0002,
    MoreResultsExist = 0x0008,
    NoGoodIndexUsed = 0x0010,
    NoIndexUsed = 0x0020,
    CursorExists = 0x0040,
    LastRowSent = 0x0080,
    DatabaseDropped = 0x0100,
    NoBackslashEscapes = 0x0200,
    MetadataChanged = 0x0400,
    QueryWasSlow = 0x0800,
    PsOutParams = 0x1000,
    InTransactionReadOnly = 0x2000,
    SessionStateChanged = 0x4000,
}
