namespace Borealis.Sql;

/// <summary>Who a session is, fixed at connect time.</summary>
/// <param name="ConnectionId">The id shown by SHOW PROCESSLIST and CONNECTION_ID().</param>
/// <param name="User">The authenticated user name.</param>
/// <param name="Host">The client's address as MySQL shows it (e.g. "127.0.0.1:53412").</param>
/// <param name="Database">The schema named in the handshake, or null.</param>
/// <param name="FoundRows">
/// The client set CLIENT_FOUND_ROWS: an UPDATE reports the rows it matched rather than the rows it changed, and an
/// INSERT ... ON DUPLICATE KEY UPDATE that leaves a row unchanged counts 1 rather than 0 (MySqlConnector sets it by default).
/// </param>
public sealed record SessionInfo(uint ConnectionId, string User, string Host, string? Database = null, bool FoundRows = false);
