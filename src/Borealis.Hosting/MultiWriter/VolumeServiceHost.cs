using System.Net;
using Borealis.Volume;
using Borealis.Volume.Quorum;
using Microsoft.Extensions.Logging;

namespace Borealis.Hosting.MultiWriter;

/// <summary>
/// <c>borealis volume-service</c>: opens the quorum volume on the storage nodes (recovering it and taking a new epoch,
/// which fences any previous appender) and serves it to the writers of a multi-master cluster.
/// </summary>
public sealed class VolumeServiceHost : IAsyncDisposable
{
    readonly IVolume _volume;
    readonly CancellationTokenSource _stopping = new();
    Task _topologyWatch = Task.CompletedTask;

    VolumeServiceHost(IVolume volume, VolumeService service)
    {
        _volume = volume;
        Service = service;
    }

    public VolumeService Service { get; }

    public int Port => Service.Port;

    /// <exception cref="HostingException">The topology is missing, no quorum answers, or the port is taken.</exception>
    public static async Task<VolumeServiceHost> StartAsync(string topologyFile, int port, TimeSpan storageOpenTimeout, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var topology = StorageTopology.TryRead(topologyFile) ?? throw new HostingException($"the storage topology '{topologyFile}' does not exist");
        var options = new InstanceOptions { Id = "volume-service", AdminPassword = "", StorageTopologyFile = topologyFile, StorageOpenTimeout = storageOpenTimeout };
        var volume = await InstanceHost.OpenQuorumVolumeAsync(options, topology, loggerFactory, cancellationToken);
        try
        {
            var logger = loggerFactory.CreateLogger("Borealis.VolumeService");
            var service = VolumeService.Start(volume, new IPEndPoint(IPAddress.Loopback, port), logger);
            Log.VolumeServiceServing(logger, service.Port, $"quorum ({topologyFile}), epoch {volume.Epoch}", volume.DurableLsn.ToString());
            var host = new VolumeServiceHost(volume, service);
            // Nodes added or retired (storage replace, a lost node replaced by the supervisor) reach the volume, which
            // moves segments onto them, as a single writer's does.
            if (volume is QuorumVolume quorum)
                host._topologyWatch = InstanceHost.FollowTopologyAsync(quorum, topologyFile, topology, logger, host._stopping.Token);
            return host;
        }
        catch (IOException ex)
        {
            await volume.DisposeAsync();
            throw new HostingException($"cannot listen on 127.0.0.1:{port}: {ex.Message}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
#pragma warning disable VSTHRD003 // started by this object in StartAsync
        await _topologyWatch;
#pragma warning restore VSTHRD003
        await Service.DisposeAsync();
        await _volume.DisposeAsync();
        _stopping.Dispose();
    }
}
