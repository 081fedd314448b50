using Borealis.MySql.Protocol;

namespace Borealis.MySql.Packets;

/// <summary>
/// Protocol::AuthSwitchRequest: asks the client to authenticate with another plugin
/// (<see href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_switch_request.html"/>).
/// </summary>
internal readonly record struct AuthSwitchRequestPacket(string PluginName, byte[] PluginData)
{
    public const byte Signature = 0xfe;

    public void Write(ref PacketWriter writer)
    {
        writer.WriteByte(Signature);
        writer.WriteNullTerminatedString(PluginName);
        writer.WriteBytes(PluginData);
        writer.WriteByte(0);
    }
}
