using Borealis.Common;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Tests;

/// <summary>One storage node core on a disk, with a fake host: requests are handled and replies taken by hand.</summary>
public sealed class TestNode : IDisposable
{
    ulong _requestId;

    public TestNode(StorageNodeOptions options, IStorageDisk disk)
    {
        Options = options;
        Disk = disk;
        Info = new StorageNodeInfo(options.Id, options.Zone, $"node{options.Id}:0");
        Core = new StorageNodeCore(options, disk, Host);
    }

    public StorageNodeOptions Options { get; }

    public IStorageDisk Disk { get; }

    public MemoryStorageDisk MemoryDisk => (MemoryStorageDisk)Disk;

    public FakeNodeHost Host { get; } = new();

    public StorageNodeCore Core { get; private set; }

    public StorageNodeInfo Info { get; }

    public NodeId Id => Options.Id;

    public bool Up { get; set; } = true;

    public static StorageNodeOptions DefaultOptions(int id) => DefaultOptions(id, 8L << 20);

    public static StorageNodeOptions DefaultOptions(int id, long checkpointBytes) => new()
    {
        Id = new NodeId(id),
        Zone = ((char)('a' + (id - 1) % 3)).ToString(),
        GossipInterval = TimeSpan.FromMilliseconds(100),
        CheckpointBytes = checkpointBytes,
        ScrubInterval = TimeSpan.Zero, // the tests tick by hand: scrub on every tick
    };

    /// <summary>Handles a request; returns the reply if it came at once (null when deferred).</summary>
    public StorageResponse? Request(StorageRequest request, out RequestContext context)
    {
        context = new RequestContext(1, ++_requestId);
        Core.Handle(context, request);
        return Host.TakeReply(context);
    }

    public StorageResponse Request(StorageRequest request)
    {
        var response = Request(request, out var context);
        if (response is not null)
            return response;
        Core.Flush();
        return Host.TakeReply(context) ?? throw new InvalidOperationException("No reply even after Flush.");
    }

    public AppendResponse Append(VolumeEpoch epoch, params SegmentFrame[] frames) =>
        Assert.IsType<AppendResponse>(Request(new AppendRequest(epoch, Lsn.Zero, 0, Lsn.Zero, frames)));

    public Lsn Scl(uint group) => Core.GetStatus().Segments.Single(s => s.Group == group).Scl;

    public SegmentStatus Status(uint group) => Core.GetStatus().Segments.Single(s => s.Group == group);

    public ReadLogResponse ReadLog(VolumeEpoch epoch, uint group, Lsn after) =>
        Assert.IsType<ReadLogResponse>(Request(new ReadLogRequest(epoch, group, after, int.MaxValue)));

    public StorageResponse GetPage(VolumeEpoch epoch, uint group, uint page, Lsn asOf, Lsn requiredScl) =>
        Request(new GetPageRequest(epoch, group, new PageId(page), asOf, requiredScl));

    /// <summary>Closes the core and opens a new one on the same disk, after a power loss when <paramref name="crash"/>.</summary>
    public void Restart(bool crash)
    {
        Core.Dispose();
        if (crash)
            MemoryDisk.Crash();
        Host.Outbox.Clear();
        Core = new StorageNodeCore(Options, Disk, Host);
        Core.Open();
    }

    public void Dispose() => Core.Dispose();
}
