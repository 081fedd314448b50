using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Borealis.MySql.Protocol;

/// <summary>
/// Writes the fields of one packet payload into an <see cref="IBufferWriter{T}"/>; the framing (4-byte headers,
/// sequence ids, 16 MiB splits) is added by <see cref="PacketOutput"/> when the payload is complete.
/// </summary>
internal ref struct PacketWriter
{
    readonly IBufferWriter<byte> _output;

    public PacketWriter(IBufferWriter<byte> output) => _output = output;

    public readonly void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    public readonly void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_output.GetSpan(2), value);
        _output.Advance(2);
    }

    public readonly void WriteUInt24(uint value)
    {
        var span = _output.GetSpan(3);
        span[0] = (byte)value;
        span[1] = (byte)(value >> 8);
        span[2] = (byte)(value >> 16);
        _output.Advance(3);
    }

    public readonly void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    public readonly void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    public readonly void WriteSingle(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(_output.GetSpan(4), value);
        _output.Advance(4);
    }

    public readonly void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    public readonly void WriteZeros(int count)
    {
        var span = _output.GetSpan(count)[..count];
        span.Clear();
        _output.Advance(count);
    }

    public readonly void WriteBytes(ReadOnlySpan<byte> value) => _output.Write(value);

    public readonly void WriteLengthEncodedInteger(ulong value)
    {
        if (value < 0xfb)
        {
            WriteByte((byte)value);
        }
        else if (value <= 0xffff)
        {
            WriteByte(0xfc);
            WriteUInt16((ushort)value);
        }
        else if (value <= 0xffffff)
        {
            WriteByte(0xfd);
            WriteUInt24((uint)value);
        }
        else
        {
            WriteByte(0xfe);
            WriteUInt64(value);
        }
    }

    public readonly void WriteLengthEncodedBytes(ReadOnlySpan<byte> value)
    {
        WriteLengthEncodedInteger((ulong)value.Length);
        WriteBytes(value);
    }

    public readonly void WriteLengthEncodedString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLengthEncodedInteger((ulong)length);
        WriteString(value);
    }

    /// <summary>The UTF-8 bytes of <paramref name="value"/>, no prefix or terminator.</summary>
    public readonly void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var span = _output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _output.Advance(length);
    }

    public readonly void WriteNullTerminatedString(string value)
    {
        WriteString(value);
        WriteByte(0);
    }
}
