using System.Diagnostics.CodeAnalysis;
using Borealis.Sql.Errors;

namespace Borealis.MySql;

/// <summary>
/// A client broke the wire protocol (malformed, truncated or out-of-order packet, or one larger than
/// max_allowed_packet). The connection sends <see cref="Error"/> if it still can, then closes; other connections
/// are not affected.
/// </summary>
public sealed class ProtocolViolationException : Exception
{
    public ProtocolViolationException(MySqlErrorException error)
        : base(error?.Message, error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>What the client is told before the connection closes.</summary>
    public MySqlErrorException Error { get; }

    [DoesNotReturn]
    public static void ThrowMalformed() => throw new ProtocolViolationException(MySqlErrors.MalformedPacket());

    [DoesNotReturn]
    public static void ThrowOutOfOrder(byte expected, byte actual) =>
        throw new ProtocolViolationException(MySqlErrors.PacketsOutOfOrder(expected, actual));

    [DoesNotReturn]
    public static void ThrowTooLarge() => throw new ProtocolViolationException(MySqlErrors.PacketTooLarge());

    [DoesNotReturn]
    public static void ThrowBadHandshake() => throw new ProtocolViolationException(MySqlErrors.BadHandshake());
}
