using Borealis.Storage.Protocol;

namespace Borealis.Storage.Tests;

/// <summary>Records a core's replies and the requests it sends to peers, for a test to inspect or deliver by hand.</summary>
public sealed class FakeNodeHost : IStorageNodeHost
{
    public long NowMilliseconds { get; set; }

    public List<(RequestContext Context, StorageResponse Response)> Replies { get; } = [];

    public Queue<(StorageNodeInfo Peer, long Correlation, StorageRequest Request)> Outbox { get; } = new();

    public void Reply(RequestContext context, StorageResponse response) => Replies.Add((context, response));

    public void SendToPeer(StorageNodeInfo peer, long correlation, StorageRequest request) => Outbox.Enqueue((peer, correlation, request));

    /// <summary>Removes and returns the reply to <paramref name="context"/>, or null when there is none yet.</summary>
    public StorageResponse? TakeReply(RequestContext context)
    {
        int i = Replies.FindIndex(r => r.Context == context);
        if (i < 0)
            return null;
        var response = Replies[i].Response;
        Replies.RemoveAt(i);
        return response;
    }
}
