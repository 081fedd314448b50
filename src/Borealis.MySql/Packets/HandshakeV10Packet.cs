using Borealis.MySql.Protocol;
using Borealis.Sql;

namespace Borealis.MySql.Packets;

/// <summary>
/// The server's greeting, Protocol::HandshakeV10
/// (<see href="https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_v10.html"/>).
/// </summary>
internal readonly record struct HandshakeV10Packet(
    string ServerVersion, uint ConnectionId, byte[] Scramble, CapabilityFlags Capabilities, byte CharacterSet,
    ServerStatus Status, string AuthPluginName)
{
    public const byte Signature = 10;

    public void Write(ref PacketWriter writer)
    {
        writer.WriteByte(Signature);
        writer.WriteNullTerminatedString(ServerVersion);
        writer.WriteUInt32(ConnectionId);
        writer.WriteBytes(Scramble.AsSpan(0, 8));
        writer.WriteByte(0);
        writer.WriteUInt16((ushort)Capabilities);
        writer.WriteByte(CharacterSet);
        writer.WriteUInt16((ushort)Status);
        writer.WriteUInt16((ushort)((uint)Capabilities >> 16));
        writer.WriteByte((byte)(Scramble.Length + 1));
        writer.WriteZeros(10);
        writer.WriteBytes(Scramble.AsSpan(8));
        writer.WriteByte(0);
        writer.WriteNullTerminatedString(AuthPluginName);
    }
}
