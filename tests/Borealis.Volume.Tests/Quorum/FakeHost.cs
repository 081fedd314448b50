using Borealis.Storage.Protocol;
using Borealis.Volume.Quorum;

namespace Borealis.Volume.Tests.Quorum;

/// <summary>
/// One writer's view of a <see cref="FakeCluster"/>: requests queue up and are answered when the test calls
/// <see cref="Deliver"/> (never inside a core call); requests to held nodes wait until the node is released.
/// </summary>
sealed class FakeHost(FakeCluster cluster) : IQuorumHost
{
    readonly Queue<(StorageNodeInfo Node, long Correlation, StorageRequest Request)> _queue = new();
    readonly List<(StorageNodeInfo Node, long Correlation, StorageRequest Request)> _held = [];

    public QuorumVolumeCore? Core { get; set; }

    public long NowMilliseconds => cluster.Now;

    public List<StorageRequest> Sent { get; } = [];

    /// <summary>Every answer delivered, with the node and the request.</summary>
    public List<(NodeId Node, StorageRequest Request, StorageResponse Response)> Answered { get; } = [];

    /// <summary>Requests for which this returns true are lost: never delivered, never answered.</summary>
    public Func<NodeId, StorageRequest, bool>? Drop { get; set; }

    public void Send(StorageNodeInfo node, long correlation, StorageRequest request)
    {
        Sent.Add(request);
        if (Drop?.Invoke(node.Id, request) == true)
            return;
        _queue.Enqueue((node, correlation, request));
    }

    /// <summary>Answers every queued request (and those they cause) except those to held nodes.</summary>
    public void Deliver()
    {
        foreach (var held in _held.ToList())
        {
            if (!cluster.IsHeld(held.Node.Id))
            {
                _held.Remove(held);
                _queue.Enqueue(held);
            }
        }
        while (_queue.TryDequeue(out var item))
        {
            if (cluster.IsHeld(item.Node.Id))
            {
                _held.Add(item);
                continue;
            }
            var response = cluster.IsDown(item.Node.Id)
                ? new ErrorResponse(StorageStatus.Unreachable, "down", default)
                : cluster[item.Node.Id].Handle(item.Request);
            Answered.Add((item.Node.Id, item.Request, response));
            Core!.OnResponse(item.Correlation, response);
        }
    }

    /// <summary>Forgets every request in flight (the writer crashed).</summary>
    public void Crash()
    {
        _queue.Clear();
        _held.Clear();
    }

    /// <summary>Advances the clock in 5 ms steps, ticking and delivering, for <paramref name="milliseconds"/>.</summary>
    public void Run(long milliseconds)
    {
        Deliver();
        for (long t = 0; t < milliseconds; t += 5)
        {
            cluster.Now += 5;
            cluster.GossipIfDue();
            Core!.Tick();
            Deliver();
        }
    }

    /// <summary>Runs until <paramref name="condition"/> holds (at most 60 s of virtual time).</summary>
    public void RunUntil(Func<bool> condition, Func<string>? describe = null)
    {
        Deliver();
        for (int i = 0; i < 12000 && !condition(); i++)
        {
            cluster.Now += 5;
            cluster.GossipIfDue();
            Core!.Tick();
            Deliver();
        }
        Assert.True(condition(), $"The condition did not hold within 60 s of virtual time. {describe?.Invoke()}");
    }
}
