using Borealis.Storage.Protocol;
using Borealis.Storage.Transport;

namespace Borealis.Cli.Commands;

/// <summary>The transport the operator commands use to ask storage nodes.</summary>
internal static class StorageTransports
{
    public static IStorageTransport Tcp(Action<long, StorageResponse> onResponse) =>
        new TcpStorageTransport(onResponse, new TcpStorageTransportOptions { RequestTimeout = TimeSpan.FromSeconds(2) });
}
