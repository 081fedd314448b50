namespace Borealis.Sql.Errors;

/// <summary>Messages the wire protocol (Borealis.MySql) sends.</summary>
public static partial class MySqlErrors
{
    /// <summary>1156; <paramref name="expected"/> and <paramref name="actual"/> are kept for the log only, as MySQL's text has none.</summary>
    public static MySqlErrorException PacketsOutOfOrder(byte expected, byte actual) =>
        new(MySqlErrorCode.NetPacketsOutOfOrder, MySqlErrorCode.NetPacketsOutOfOrder.SqlState(), "Got packets out of order", new InvalidDataException($"expected sequence id {expected}, got {actual}"));

    /// <summary>
    /// 1045 at login with SQLSTATE 28000, as MySQL sends it. (<see cref="AccessDenied"/> gets 42000 from
    /// <see cref="MySqlErrorCodeExtensions.SqlState"/>, which lists 1045 under 42000.)
    /// </summary>
    public static MySqlErrorException LoginDenied(string user, string host, bool usingPassword) =>
        new(MySqlErrorCode.AccessDenied, "28000", $"Access denied for user '{user}'@'{host}' (using password: {(usingPassword ? "YES" : "NO")})");

    /// <summary>1040: max_connections reached; sent in place of the greeting.</summary>
    public static MySqlErrorException TooManyConnections() =>
        new(MySqlErrorCode.ConCountError, "Too many connections");

    /// <summary>1159: a client stopped in the middle of a packet for longer than net_read_timeout.</summary>
    public static MySqlErrorException NetReadTimeout() =>
        new(MySqlErrorCode.NetReadInterrupted, "Got timeout reading communication packets");

    /// <summary>1461: too many prepared statements open (per connection here; MySQL counts per server).</summary>
    public static MySqlErrorException TooManyPreparedStatements(int limit) =>
        new(MySqlErrorCode.MaxPreparedStmtCountReached, "42000", $"Can't create more than max_prepared_stmt_count statements (current value: {limit})");

    /// <summary>1043: the client's handshake response could not be read.</summary>
    public static MySqlErrorException BadHandshake() =>
        new(MySqlErrorCode.HandshakeError, "Bad handshake");

    /// <summary>1094: COM_PROCESS_KILL / KILL of an id no connection has.</summary>
    public static MySqlErrorException UnknownThread(uint id) =>
        new(MySqlErrorCode.NoSuchThread, $"Unknown thread id: {id}");

    /// <summary>3159: require_secure_transport is on and the client did not use TLS.</summary>
    public static MySqlErrorException SecureTransportRequired() =>
        new(MySqlErrorCode.SecureTransportRequired, "Connections using insecure transport are prohibited while --require_secure_transport=ON.");

    /// <summary>1251: the client offers no authentication method the server can use.</summary>
    public static MySqlErrorException AuthModeNotSupported() =>
        new(MySqlErrorCode.NotSupportedAuthMode, "Client does not support authentication protocol requested by server; consider upgrading MySQL client");

    /// <summary>1210: e.g. a COM_STMT_EXECUTE with too few parameter values.</summary>
    public static MySqlErrorException IncorrectArguments(string where) =>
        new(MySqlErrorCode.WrongArguments, $"Incorrect arguments to {where}");
}
