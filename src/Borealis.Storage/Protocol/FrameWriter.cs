using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Borealis.Storage.Protocol;

/// <summary>
/// Builds one frame in a buffer rented from <see cref="ArrayPool{T}.Shared"/>: the header is reserved first and
/// back-filled by <see cref="Complete"/> with the length, and the checksum appended. <see cref="Dispose"/> returns
/// the buffer unless <see cref="Complete"/> handed it on.
/// </summary>
internal ref struct FrameWriter
{
    readonly int _maxFrameSize;
    byte[]? _buffer;
    int _position;

    public FrameWriter(StorageMessageKind kind, ulong requestId, int maxFrameSize, int sizeHint = 256)
    {
        _maxFrameSize = maxFrameSize;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(sizeHint, StorageCodec.MinFrameSize));
        var header = Reserve(StorageCodec.HeaderSize);
        header[4] = StorageCodec.ProtocolVersion;
        header[5] = (byte)kind;
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], requestId);
    }

    Span<byte> Reserve(int count)
    {
        if (_buffer!.Length - _position < count)
            Grow(count);
        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    void Grow(int count)
    {
        long needed = (long)_position + count + StorageCodec.TrailerSize;
        if (needed > _maxFrameSize)
            StorageProtocolException.ThrowTooLarge(needed, _maxFrameSize);
        int size = (int)Math.Min(Math.Max(needed, (long)_buffer!.Length * 2), Array.MaxLength);
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _position).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    public void WriteGuid(Guid value) => value.TryWriteBytes(Reserve(16));

    public void WriteCount(int count) => WriteUInt32(checked((uint)count));

    public void WriteString(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        WriteCount(length);
        Encoding.UTF8.GetBytes(value, Reserve(length));
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteCount(value.Length);
        value.CopyTo(Reserve(value.Length));
    }

    /// <summary>Fills in the length, appends the checksum and hands the buffer over.</summary>
    public EncodedFrame Complete()
    {
        if ((long)_position + StorageCodec.TrailerSize > _maxFrameSize)
            StorageProtocolException.ThrowTooLarge((long)_position + StorageCodec.TrailerSize, _maxFrameSize);
        // Reserve the trailer first: it may move the frame to a larger buffer (and return this one to the pool).
        int body = _position;
        var trailer = Reserve(StorageCodec.TrailerSize);
        var buffer = _buffer!;
        int length = _position;
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)length);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, System.IO.Hashing.XxHash64.HashToUInt64(buffer.AsSpan(0, body)));
        _buffer = null;
        return new EncodedFrame(buffer, length);
    }

    public void Dispose()
    {
        if (_buffer is not null)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }
}
