using Borealis.Storage.Protocol;

namespace Borealis.Storage.Transport;

/// <summary>Settings of a <see cref="TcpStorageTransport"/>.</summary>
public sealed class TcpStorageTransportOptions
{
    /// <summary>A request not answered within this is answered <see cref="StorageStatus.Unreachable"/> (a late answer is dropped).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A connect that takes longer fails, and every request waiting for it is answered Unreachable.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>After a connection to a node fails, requests to it are answered Unreachable at once for this long before the next attempt; doubled per consecutive failure.</summary>
    public TimeSpan ReconnectBackoff { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The longest backoff.</summary>
    public TimeSpan MaxReconnectBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest frame sent or accepted.</summary>
    public int MaxFrameSize { get; init; } = StorageCodec.MaxFrameSize;
}
