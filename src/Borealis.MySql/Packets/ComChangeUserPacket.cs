using Borealis.MySql.Protocol;

namespace Borealis.MySql.Packets;

/// <summary>
/// COM_CHANGE_USER: log in again as another user on the same connection, with the greeting's scramble
/// (<see href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_change_user.html"/>).
/// Read into a <see cref="HandshakeResponse41Packet"/> so that authentication is shared with the connection phase.
/// </summary>
internal static class ComChangeUserPacket
{
    public const byte Signature = (byte)CommandKind.ChangeUser;

    public static HandshakeResponse41Packet Read(ReadOnlySpan<byte> payload, CapabilityFlags capabilities)
    {
        var reader = new PacketReader(payload);
        reader.Skip(1);
        var user = reader.ReadNullTerminatedString();
        var auth = (capabilities & CapabilityFlags.SecureConnection) != 0
            ? reader.ReadBytes(reader.ReadByte()).ToArray()
            : reader.ReadNullTerminatedBytes().ToArray();
        string? database = reader.IsAtEnd ? null : reader.ReadNullTerminatedOrRestString();
        byte charset = 0;
        string? plugin = null;
        if (reader.Remaining >= 2)
        {
            charset = (byte)reader.ReadUInt16();
            if ((capabilities & CapabilityFlags.PluginAuth) != 0 && !reader.IsAtEnd)
                plugin = reader.ReadNullTerminatedOrRestString();
        }
        return new HandshakeResponse41Packet(capabilities, 0, charset, user, auth, string.IsNullOrEmpty(database) ? null : database, plugin,
            new Dictionary<string, string>());
    }
}
