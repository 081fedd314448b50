using System.Buffers;

namespace Borealis.Storage.Protocol;

/// <summary>
/// One encoded frame in a buffer rented from <see cref="ArrayPool{T}.Shared"/>. Whoever holds it writes it out
/// and then calls <see cref="Return"/> exactly once.
/// </summary>
internal readonly struct EncodedFrame
{
    readonly byte[] _buffer;

    public EncodedFrame(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public void Return() => ArrayPool<byte>.Shared.Return(_buffer);
}
