using System.Buffers.Binary;
using System.Text;

namespace Borealis.MySql.Protocol;

/// <summary>
/// Reads the fields of one packet payload (little-endian integers, length-encoded integers and strings,
/// NUL-terminated strings). Running past the end throws <see cref="ProtocolViolationException"/> (malformed packet).
/// See https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_dt_integers.html.
/// </summary>
internal ref struct PacketReader
{
    readonly ReadOnlySpan<byte> _buffer;
    int _offset;

    public PacketReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _offset = 0;
    }

    public readonly int Offset => _offset;

    public readonly int Remaining => _buffer.Length - _offset;

    public readonly bool IsAtEnd => _offset >= _buffer.Length;

    public readonly byte PeekByte()
    {
        if (_offset >= _buffer.Length)
            ProtocolViolationException.ThrowMalformed();
        return _buffer[_offset];
    }

    public byte ReadByte()
    {
        var value = PeekByte();
        _offset++;
        return value;
    }

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2));

    public uint ReadUInt24()
    {
        var span = ReadBytes(3);
        return (uint)(span[0] | (span[1] << 8) | (span[2] << 16));
    }

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

    public float ReadSingle() => BinaryPrimitives.ReadSingleLittleEndian(ReadBytes(4));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(ReadBytes(8));

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > Remaining)
            ProtocolViolationException.ThrowMalformed();
        var span = _buffer.Slice(_offset, count);
        _offset += count;
        return span;
    }

    public ReadOnlySpan<byte> ReadRemaining() => ReadBytes(Remaining);

    public void Skip(int count) => ReadBytes(count);

    /// <summary>A length-encoded integer (https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_dt_integers.html#sect_protocol_basic_dt_int_le).</summary>
    public ulong ReadLengthEncodedInteger()
    {
        var first = ReadByte();
        return first switch
        {
            < 0xfb => first,
            0xfc => ReadUInt16(),
            0xfd => ReadUInt24(),
            0xfe => ReadUInt64(),
            _ => Malformed(),
        };
    }

    public ReadOnlySpan<byte> ReadLengthEncodedBytes()
    {
        var length = ReadLengthEncodedInteger();
        if (length > (ulong)Remaining)
            ProtocolViolationException.ThrowMalformed();
        return ReadBytes((int)length);
    }

    public string ReadLengthEncodedString() => Encoding.UTF8.GetString(ReadLengthEncodedBytes());

    public ReadOnlySpan<byte> ReadNullTerminatedBytes()
    {
        var rest = _buffer[_offset..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
            ProtocolViolationException.ThrowMalformed();
        _offset += end + 1;
        return rest[..end];
    }

    public string ReadNullTerminatedString() => Encoding.UTF8.GetString(ReadNullTerminatedBytes());

    /// <summary>A NUL-terminated string, or the rest of the packet when it has no NUL (as some clients send).</summary>
    public string ReadNullTerminatedOrRestString()
    {
        var rest = _buffer[_offset..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            _offset = _buffer.Length;
            return Encoding.UTF8.GetString(rest);
        }
        _offset += end + 1;
        return Encoding.UTF8.GetString(rest[..end]);
    }

    static ulong Malformed()
    {
        ProtocolViolationException.ThrowMalformed();
        return 0;
    }
}
