using System.Buffers;

namespace Borealis.MySql.Protocol;

/// <summary>
/// One reassembled client packet: its payload in a pooled array (returned by <see cref="Dispose"/>) and the
/// sequence id of its last chunk.
/// </summary>
internal sealed class Packet : IDisposable
{
    byte[]? _array;

    public Packet(byte[] array, int length, byte lastSequenceId)
    {
        _array = array;
        Length = length;
        LastSequenceId = lastSequenceId;
    }

    public int Length { get; }

    public byte LastSequenceId { get; }

    public ReadOnlySpan<byte> Payload => _array is null ? throw new ObjectDisposedException(nameof(Packet)) : _array.AsSpan(0, Length);

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
            ArrayPool<byte>.Shared.Return(array);
    }
}
