namespace Borealis.MySql;

/// <summary>One row of SHOW PROCESSLIST / information_schema.PROCESSLIST, as the wire protocol knows it.</summary>
/// <param name="Id">The connection id (CONNECTION_ID()).</param>
/// <param name="User">The user, or "unauthenticated user" during the handshake.</param>
/// <param name="Host">The client's address and port.</param>
/// <param name="Database">The default schema after the last command, or null.</param>
/// <param name="Command">What the connection does: "Connect", "Sleep", "Query", "Execute", "Prepare", ...</param>
/// <param name="Time">How long it has been in that state.</param>
/// <param name="State">"starting" during a command, "" when idle.</param>
/// <param name="Info">The statement being run (COM_QUERY / prepared SQL), or null.</param>
public sealed record ProcessInfo(uint Id, string User, string Host, string? Database, string Command, TimeSpan Time, string State, string? Info);
