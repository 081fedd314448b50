using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Borealis.Storage.Protocol;

/// <summary>
/// A storage protocol frame is malformed: truncated, oversized, with a bad checksum, an unknown version or kind,
/// or a payload that does not parse exactly. The connection that carried it is closed; other connections are not
/// affected. The only exception <see cref="StorageCodec"/> throws while decoding.
/// </summary>
public sealed class StorageProtocolException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    [DoesNotReturn]
    internal static void ThrowTruncated() => throw new StorageProtocolException("The frame's payload is truncated.");

    [DoesNotReturn]
    internal static void ThrowMalformed(string what) => throw new StorageProtocolException("Malformed frame: " + what + ".");

    [DoesNotReturn]
    internal static void ThrowBadLength(long length, int max) => throw new StorageProtocolException(string.Format(
        CultureInfo.InvariantCulture, "Bad frame length {0} (a frame is {1} to {2} bytes).", length, StorageCodec.MinFrameSize, max));

    [DoesNotReturn]
    internal static void ThrowChecksum() => throw new StorageProtocolException("The frame's checksum does not match.");

    [DoesNotReturn]
    internal static void ThrowVersion(byte version) => throw new StorageProtocolException(string.Format(
        CultureInfo.InvariantCulture, "Unsupported protocol version {0} (this node speaks {1}).", version, StorageCodec.ProtocolVersion));

    [DoesNotReturn]
    internal static void ThrowUnknownKind(byte kind, string direction) => throw new StorageProtocolException(string.Format(
        CultureInfo.InvariantCulture, "Unknown {0} kind 0x{1:x2}.", direction, kind));

    [DoesNotReturn]
    internal static void ThrowTooLarge(long size, int max) => throw new StorageProtocolException(string.Format(
        CultureInfo.InvariantCulture, "The message needs a frame of at least {0} bytes; the limit is {1}.", size, max));
}
