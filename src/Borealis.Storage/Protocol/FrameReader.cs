using System.Buffers.Binary;
using System.Text;

namespace Borealis.Storage.Protocol;

/// <summary>
/// Reads a frame's payload, checking every bound: a read past the end, a count larger than the bytes that could
/// hold it, invalid UTF-8 or an out-of-range value throws <see cref="StorageProtocolException"/>. Byte strings
/// (deltas, images) are copied into one array per frame, so a decoded message never points into a network buffer.
/// </summary>
internal ref struct FrameReader
{
    static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    readonly ReadOnlySpan<byte> _buffer;
    int _position;
    byte[]? _arena;
    int _arenaUsed;

    public FrameReader(ReadOnlySpan<byte> payload)
    {
        _buffer = payload;
    }

    public readonly int Remaining => _buffer.Length - _position;

    ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)Remaining)
            StorageProtocolException.ThrowTruncated();
        var span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }

    public byte ReadByte() => Take(1)[0];

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public bool ReadBool()
    {
        byte value = ReadByte();
        if (value > 1)
            StorageProtocolException.ThrowMalformed("a boolean is neither 0 nor 1");
        return value == 1;
    }

    public Guid ReadGuid() => new(Take(16));

    /// <summary>A u32 element count, refused when <paramref name="minElementSize"/>-byte elements could not fit in what is left.</summary>
    public int ReadCount(int minElementSize)
    {
        uint count = ReadUInt32();
        if (count > (uint)(Remaining / Math.Max(1, minElementSize)))
            StorageProtocolException.ThrowMalformed("a count exceeds the bytes left in the frame");
        return (int)count;
    }

    public string ReadString()
    {
        var bytes = Take(ReadCount(1));
        try
        {
            return s_strictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new StorageProtocolException("Malformed frame: a string is not valid UTF-8.", ex);
        }
    }

    public ReadOnlyMemory<byte> ReadBytes()
    {
        int length = ReadCount(1);
        var source = Take(length);
        if (length == 0)
            return ReadOnlyMemory<byte>.Empty;
        // Every byte string still to come fits in what was left when the first one started.
        _arena ??= new byte[length + Remaining];
        source.CopyTo(_arena.AsSpan(_arenaUsed));
        var memory = new ReadOnlyMemory<byte>(_arena, _arenaUsed, length);
        _arenaUsed += length;
        return memory;
    }

    public readonly void EnsureEnd()
    {
        if (Remaining != 0)
            StorageProtocolException.ThrowMalformed("bytes left over after the message");
    }
}
