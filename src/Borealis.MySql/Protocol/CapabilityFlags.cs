namespace Borealis.MySql.Protocol;

/// <summary>Client/server capability flags (https://dev.mysql.com/doc/dev/mysql-server/latest/group__group__cs__capabilities__flags.html).</summary>
[Flags]
internal enum CapabilityFlags : uint
{
    None = 0,
    LongPassword = 1,
    FoundRows = 1u << 1,
    LongFlag = 1u << 2,
    ConnectWithDb = 1u << 3,
    NoSchema = 1u << 4,
    Compress = 1u << 5,
    Odbc = 1u << 6,
    LocalFiles = 1u << 7,
    IgnoreSpace = 1u << 8,
    Protocol41 = 1u << 9,
    Interactive = 1u << 10,
    Ssl = 1u << 11,
    IgnoreSigpipe = 1u << 12,
    Transactions = 1u << 13,
    Reserved = 1u << 14,
    SecureConnection = 1u << 15,
    MultiStatements = 1u << 16,
    MultiResults = 1u << 17,
    PsMultiResults = 1u << 18,
    PluginAuth = 1u << 19,
    ConnectAttrs = 1u << 20,
    PluginAuthLengthEncodedClientData = 1u << 21,
    CanHandleExpiredPasswords = 1u << 22,
    SessionTrack = 1u << 23,
    DeprecateEof = 1u << 24,
    OptionalResultsetMetadata = 1u << 25,
    ZstdCompression = 1u << 26,
    QueryAttributes = 1u << 27,
    MultiFactorAuthentication = 1u << 28,
}
