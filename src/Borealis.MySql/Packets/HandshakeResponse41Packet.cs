using Borealis.MySql.Protocol;

namespace Borealis.MySql.Packets;

/// <summary>
/// The client's reply to the greeting, Protocol::HandshakeResponse41
/// (<see href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_response.html"/>).
/// </summary>
internal sealed record HandshakeResponse41Packet(
    CapabilityFlags Capabilities, uint MaxPacketSize, byte CharacterSet, string User, byte[] AuthResponse,
    string? Database, string? AuthPluginName, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>The fixed part shared with <see cref="SslRequestPacket"/>: capabilities, max packet, charset, 23 zero bytes.</summary>
    public const int FixedLength = 32;

    /// <exception cref="ProtocolViolationException">The payload is not a HandshakeResponse41.</exception>
    public static HandshakeResponse41Packet Read(ReadOnlySpan<byte> payload)
    {
        var reader = new PacketReader(payload);
        var capabilities = (CapabilityFlags)reader.ReadUInt32();
        if ((capabilities & CapabilityFlags.Protocol41) == 0)
            ProtocolViolationException.ThrowBadHandshake();
        var maxPacket = reader.ReadUInt32();
        var charset = reader.ReadByte();
        reader.Skip(23);
        var user = reader.ReadNullTerminatedString();
        byte[] auth;
        if ((capabilities & CapabilityFlags.PluginAuthLengthEncodedClientData) != 0)
            auth = reader.ReadLengthEncodedBytes().ToArray();
        else if ((capabilities & CapabilityFlags.SecureConnection) != 0)
            auth = reader.ReadBytes(reader.ReadByte()).ToArray();
        else
            auth = reader.ReadNullTerminatedBytes().ToArray();

        string? database = null;
        if ((capabilities & CapabilityFlags.ConnectWithDb) != 0 && !reader.IsAtEnd)
        {
            database = reader.ReadNullTerminatedOrRestString();
            if (database.Length == 0)
                database = null;
        }
        string? plugin = null;
        if ((capabilities & CapabilityFlags.PluginAuth) != 0 && !reader.IsAtEnd)
            plugin = reader.ReadNullTerminatedOrRestString();

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if ((capabilities & CapabilityFlags.ConnectAttrs) != 0 && !reader.IsAtEnd)
        {
            var all = new PacketReader(reader.ReadLengthEncodedBytes());
            while (!all.IsAtEnd)
            {
                var key = all.ReadLengthEncodedString();
                attributes[key] = all.ReadLengthEncodedString();
            }
        }
        return new HandshakeResponse41Packet(capabilities, maxPacket, charset, user, auth, database, plugin, attributes);
    }
}
