using System.Buffers;

namespace Borealis.MySql.Protocol;

/// <summary>
/// MySQL packet framing (https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_packets.html):
/// a 3-byte length and a sequence id before each payload chunk; a payload of 0xFFFFFF bytes or more is split into
/// chunks of 0xFFFFFF followed by a shorter (possibly empty) one.
/// </summary>
internal static class PacketFraming
{
    public const int MaxChunkLength = 0xffffff;

    public const int HeaderLength = 4;

    /// <summary>
    /// Takes one whole packet from the front of <paramref name="buffer"/> when it holds one. Checks each chunk's
    /// sequence id (the first must be <paramref name="sequenceId"/>) and the total length against
    /// <paramref name="maxPayload"/> as soon as the headers arrive.
    /// </summary>
    /// <exception cref="ProtocolViolationException">Out-of-order sequence id, or payload over the limit.</exception>
    public static OperationStatus TryReadPacket(ref ReadOnlySequence<byte> buffer, byte sequenceId, int maxPayload, out Packet? packet)
    {
        packet = null;
        var reader = new SequenceReader<byte>(buffer);
        Span<byte> header = stackalloc byte[HeaderLength];
        long total = 0;
        var expected = sequenceId;
        while (true)
        {
            if (!reader.TryCopyTo(header))
                return OperationStatus.NeedMoreData;
            var length = header[0] | (header[1] << 8) | (header[2] << 16);
            if (header[3] != expected)
                ProtocolViolationException.ThrowOutOfOrder(expected, header[3]);
            total += length;
            if (total > maxPayload)
                ProtocolViolationException.ThrowTooLarge();
            if (reader.Remaining < HeaderLength + length)
                return OperationStatus.NeedMoreData;
            reader.Advance(HeaderLength + length);
            if (length < MaxChunkLength)
                break;
            expected++;
        }

        var array = ArrayPool<byte>.Shared.Rent((int)Math.Max(total, 1));
        var copy = new SequenceReader<byte>(buffer);
        var written = 0;
        while (true)
        {
            copy.TryCopyTo(header);
            var length = header[0] | (header[1] << 8) | (header[2] << 16);
            copy.Advance(HeaderLength);
            copy.TryCopyTo(array.AsSpan(written, length));
            copy.Advance(length);
            written += length;
            if (length < MaxChunkLength)
                break;
        }
        packet = new Packet(array, written, expected);
        buffer = buffer.Slice(reader.Position);
        return OperationStatus.Done;
    }

    /// <summary>Writes <paramref name="payload"/> with headers, split at 0xFFFFFF; returns the next sequence id.</summary>
    public static byte WritePacket(IBufferWriter<byte> output, ReadOnlySpan<byte> payload, byte sequenceId)
    {
        while (true)
        {
            var length = Math.Min(payload.Length, MaxChunkLength);
            var span = output.GetSpan(HeaderLength + length);
            span[0] = (byte)length;
            span[1] = (byte)(length >> 8);
            span[2] = (byte)(length >> 16);
            span[3] = sequenceId++;
            payload[..length].CopyTo(span[HeaderLength..]);
            output.Advance(HeaderLength + length);
            payload = payload[length..];
            if (length < MaxChunkLength)
                return sequenceId;
        }
    }
}
