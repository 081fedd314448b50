using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;

namespace Borealis.Storage.Protocol;

/// <summary>
/// The storage protocol's binary encoding (docs/storage-protocol.md). Every message travels in one frame:
/// <c>u32 length (of the whole frame), u8 version (1), u8 kind, u16 reserved (0), u64 request id, payload,
/// u64 XXH64 of everything before it</c>, little-endian. Decoding is total: any malformed input throws
/// <see cref="StorageProtocolException"/> (or returns false from the <c>Try</c> forms), never anything else.
/// Split by concern: <c>StorageCodec.Requests.cs</c>, <c>StorageCodec.Responses.cs</c>, <c>StorageCodec.Shared.cs</c>.
/// </summary>
public static partial class StorageCodec
{
    public const byte ProtocolVersion = 2;

    /// <summary>Length, version, kind, reserved, request id.</summary>
    public const int HeaderSize = 16;

    /// <summary>The XXH64 checksum.</summary>
    public const int TrailerSize = 8;

    /// <summary>A frame with an empty payload.</summary>
    public const int MinFrameSize = HeaderSize + TrailerSize;

    /// <summary>The largest frame accepted or sent (64 MiB): a bound on what a peer can make a node allocate.</summary>
    public const int MaxFrameSize = 64 << 20;

    /// <summary>
    /// Cuts the next whole frame off the front of <paramref name="buffer"/> (a connection's receive buffer).
    /// <see cref="OperationStatus.NeedMoreData"/>: not all of it has arrived; <see cref="OperationStatus.InvalidData"/>:
    /// its length field is impossible (the connection must be closed). Only the length is checked here.
    /// </summary>
    public static OperationStatus TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, int maxFrameSize = MaxFrameSize)
    {
        frame = default;
        if (buffer.Length < 4)
            return OperationStatus.NeedMoreData;
        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        if (length < MinFrameSize || length > (uint)maxFrameSize)
            return OperationStatus.InvalidData;
        if (buffer.Length < length)
            return OperationStatus.NeedMoreData;
        frame = buffer.Slice(0, length);
        buffer = buffer.Slice(length);
        return OperationStatus.Done;
    }

    /// <summary>Encodes a request frame.</summary>
    /// <exception cref="StorageProtocolException">The message does not fit in <paramref name="maxFrameSize"/>.</exception>
    public static byte[] EncodeRequest(ulong requestId, StorageRequest request, int maxFrameSize = MaxFrameSize)
    {
        var frame = EncodeRequestPooled(requestId, request, maxFrameSize);
        try
        {
            return frame.Span.ToArray();
        }
        finally
        {
            frame.Return();
        }
    }

    /// <summary>Encodes a response frame.</summary>
    /// <exception cref="StorageProtocolException">The message does not fit in <paramref name="maxFrameSize"/>.</exception>
    public static byte[] EncodeResponse(ulong requestId, StorageResponse response, int maxFrameSize = MaxFrameSize)
    {
        var frame = EncodeResponsePooled(requestId, response, maxFrameSize);
        try
        {
            return frame.Span.ToArray();
        }
        finally
        {
            frame.Return();
        }
    }

    /// <summary>Decodes one whole request frame (as cut by <see cref="TryReadFrame"/>).</summary>
    /// <exception cref="StorageProtocolException">The frame is malformed or is not a request.</exception>
    public static StorageRequest DecodeRequest(ReadOnlySpan<byte> frame, out ulong requestId)
    {
        var kind = ReadHeader(frame, maxFrameSize: int.MaxValue, out requestId);
        var reader = new FrameReader(frame[HeaderSize..^TrailerSize]);
        var request = ReadRequest(kind, ref reader);
        reader.EnsureEnd();
        return request;
    }

    /// <summary>Decodes one whole response frame (as cut by <see cref="TryReadFrame"/>).</summary>
    /// <exception cref="StorageProtocolException">The frame is malformed or is not a response.</exception>
    public static StorageResponse DecodeResponse(ReadOnlySpan<byte> frame, out ulong requestId)
    {
        var kind = ReadHeader(frame, maxFrameSize: int.MaxValue, out requestId);
        var reader = new FrameReader(frame[HeaderSize..^TrailerSize]);
        var response = ReadResponse(kind, ref reader);
        reader.EnsureEnd();
        return response;
    }

    /// <summary><see cref="DecodeRequest"/> that reports a malformed frame as <paramref name="error"/>.</summary>
    public static bool TryDecodeRequest(
        ReadOnlySpan<byte> frame, out ulong requestId, [NotNullWhen(true)] out StorageRequest? request, [NotNullWhen(false)] out string? error)
    {
        try
        {
            request = DecodeRequest(frame, out requestId);
            error = null;
            return true;
        }
        catch (StorageProtocolException ex)
        {
            requestId = 0;
            request = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary><see cref="DecodeResponse"/> that reports a malformed frame as <paramref name="error"/>.</summary>
    public static bool TryDecodeResponse(
        ReadOnlySpan<byte> frame, out ulong requestId, [NotNullWhen(true)] out StorageResponse? response, [NotNullWhen(false)] out string? error)
    {
        try
        {
            response = DecodeResponse(frame, out requestId);
            error = null;
            return true;
        }
        catch (StorageProtocolException ex)
        {
            requestId = 0;
            response = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Checks length, checksum, version and reserved bits; returns the kind byte.</summary>
    static byte ReadHeader(ReadOnlySpan<byte> frame, int maxFrameSize, out ulong requestId)
    {
        requestId = 0;
        if (frame.Length < MinFrameSize)
            StorageProtocolException.ThrowBadLength(frame.Length, maxFrameSize);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (length != (uint)frame.Length)
            StorageProtocolException.ThrowBadLength(length, maxFrameSize);
        ulong expected = BinaryPrimitives.ReadUInt64LittleEndian(frame[^TrailerSize..]);
        if (XxHash64.HashToUInt64(frame[..^TrailerSize]) != expected)
            StorageProtocolException.ThrowChecksum();
        if (frame[4] != ProtocolVersion)
            StorageProtocolException.ThrowVersion(frame[4]);
        if (BinaryPrimitives.ReadUInt16LittleEndian(frame[6..]) != 0)
            StorageProtocolException.ThrowMalformed("the reserved header bits are not zero");
        requestId = BinaryPrimitives.ReadUInt64LittleEndian(frame[8..]);
        return frame[5];
    }

    internal static EncodedFrame EncodeRequestPooled(ulong requestId, StorageRequest request, int maxFrameSize = MaxFrameSize)
    {
        ArgumentNullException.ThrowIfNull(request);
        var writer = new FrameWriter(KindOf(request), requestId, maxFrameSize, SizeHint(request));
        try
        {
            WriteRequest(ref writer, request);
            return writer.Complete();
        }
        finally
        {
            writer.Dispose();
        }
    }

    internal static EncodedFrame EncodeResponsePooled(ulong requestId, StorageResponse response, int maxFrameSize = MaxFrameSize)
    {
        ArgumentNullException.ThrowIfNull(response);
        var writer = new FrameWriter(KindOf(response), requestId, maxFrameSize, SizeHint(response));
        try
        {
            WriteResponse(ref writer, response);
            return writer.Complete();
        }
        finally
        {
            writer.Dispose();
        }
    }
}
