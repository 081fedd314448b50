using Borealis.Common;
using Borealis.Storage.Protocol;

namespace Borealis.Volume.Quorum;

public sealed partial class QuorumVolumeCore
{
    readonly List<ReadOperation> _reads = [];
    byte[]? _zeroPage;
    uint _readRotation;

    /// <summary>Reads in progress (for tests and status).</summary>
    public int ActiveReadCount => _reads.Count;

    /// <summary>Reads sent to a second segment because the first was slow.</summary>
    public long HedgedReadCount { get; private set; }

    /// <summary>Starts reading a page as of an LSN; <paramref name="completion"/> is called (from a later call into the core, or at once) with the outcome.</summary>
    public void StartRead(PageId page, Lsn asOf, Action<PageReadOutcome> completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        if (page.Value == 0)
            throw new ArgumentOutOfRangeException(nameof(page), "Pages are numbered from 1.");
        if (_state == QuorumVolumeState.Failed)
        {
            completion(new PageReadOutcome(Lsn.Zero, default, FailedException()));
            return;
        }
        if (_state != QuorumVolumeState.Open)
        {
            completion(new PageReadOutcome(Lsn.Zero, default, new VolumeException("The quorum volume is not open yet.", isTransient: true)));
            return;
        }
        var map = _map!;
        uint group = map.GroupOf(page);
        if (group >= (uint)map.Groups.Length && RequiredScl(group, asOf) == Lsn.Zero)
        {
            // Beyond every group: never written. (A replica may learn of a group from the stream before its map
            // has it: the read then retries until the map is refreshed.)
            completion(new PageReadOutcome(Lsn.Zero, _zeroPage ??= new byte[PageSize], null));
            return;
        }
        var read = new ReadOperation(page, group, asOf, RequiredScl(group, asOf), completion, _host.NowMilliseconds);
        _reads.Add(read);
        OrderCandidates(read);
        if (SendRead(read))
            return;
        if (_replica is not null)
            RetryOrFailRead(read, read.StartedAt); // Its map may lack the group, or no node is known to hold the writer's map yet.
        else
            CompleteRead(read, new PageReadOutcome(Lsn.Zero, default, new VolumeException($"No segment of group {group} to read page {page} from.", isTransient: true)));
    }

    /// <summary>
    /// Members whose acknowledged SCL covers the read first, fastest first (round-robin among unmeasured ones),
    /// then the others (a node answers NotCaughtUp when it cannot serve), down nodes last.
    /// </summary>
    void OrderCandidates(ReadOperation read)
    {
        read.Candidates.Clear();
        read.Next = 0;
        if (read.Group >= (uint)_map!.Groups.Length)
            return; // A replica's map does not have the group yet.
        var membership = _map.Groups[(int)read.Group];
        var members = membership.Members.AsEnumerable();
        if (membership.InTransition)
            members = members.Concat(membership.Next).Distinct();
        var list = members.ToList();
        int count = list.Count;
        uint rotation = _readRotation++;
        // A node that lacks this writer's map is not asked (it may still hold frames the truncation voids).
        read.Candidates.AddRange(list
            .Select((id, i) => (Id: id, Node: _nodes[id], Order: (int)((i + rotation) % (uint)count)))
            .Where(c => !c.Node.NeedsMap)
            .OrderBy(c => c.Node.Down ? 2 : AckedOf(read.Group, c.Id) >= read.RequiredScl ? 0 : 1)
            .ThenBy(c => c.Node.LatencyMs < 0 ? double.MaxValue : Math.Round(c.Node.LatencyMs, 1))
            .ThenBy(c => c.Order)
            .Select(c => c.Id));
    }

    bool SendRead(ReadOperation read)
    {
        if (read.Next >= read.Candidates.Count)
            return false;
        var node = _nodes[read.Candidates[read.Next++]];
        read.Outstanding++;
        read.LastSentAt = _host.NowMilliseconds;
        Send(node, RequestKind.GetPage, new GetPageRequest(_map!.Epoch, read.Group, read.Page, read.AsOf, read.RequiredScl), read);
        return true;
    }

    void OnPageResponse(NodeState node, PendingRequest request, StorageResponse response)
    {
        var read = request.Read!;
        read.Outstanding--;
        if (read.Done)
            return;
        if (response is PageResponse page)
        {
            CompleteRead(read, new PageReadOutcome(page.Version, page.Image, null));
            return;
        }
        if (response is ErrorResponse { Status: StorageStatus.UnknownEpoch or StorageStatus.NotMember })
        {
            node.NeedsMap = true;
            if (_replica is null)
                SendMapToNode(node);
            else
                node.RetryAt = _host.NowMilliseconds; // A replica never writes a map: it asks for the node's.
        }
        if (response is ErrorResponse error)
            read.LastError = error;
        if (read.Outstanding == 0 && !SendRead(read))
            RetryOrFailRead(read, _host.NowMilliseconds);
    }

    void RetryOrFailRead(ReadOperation read, long now)
    {
        if (now - read.StartedAt >= (long)_options.RequestTimeout.TotalMilliseconds)
        {
            string why = read.LastError is { } e ? $"{e.Status}: {e.Message}" : "no answer";
            CompleteRead(read, new PageReadOutcome(Lsn.Zero, default,
                new VolumeException($"No segment of group {read.Group} could serve page {read.Page} as of LSN {read.AsOf} ({why}).", isTransient: true)));
            return;
        }
        // Every member failed this round: start another after a pause (a hole may fill, a node may return).
        read.RetryAt = now + MinBackoffMs;
    }

    void TickReads(long now)
    {
        if (_reads.Count == 0)
            return;
        long hedgeAfter = (long)_options.HedgeAfter.TotalMilliseconds;
        foreach (var read in _reads.ToList())
        {
            if (read.Done)
                continue;
            if (read.Outstanding == 1 && now - read.LastSentAt >= hedgeAfter && read.Next < read.Candidates.Count)
            {
                HedgedReadCount++;
                SendRead(read);
            }
            else if (read.Outstanding == 0 && now >= read.RetryAt)
            {
                OrderCandidates(read);
                if (!SendRead(read))
                    RetryOrFailRead(read, now);
            }
        }
    }

    void CompleteRead(ReadOperation read, PageReadOutcome outcome)
    {
        if (read.Done)
            return;
        read.Done = true;
        _reads.Remove(read);
        read.Completion(outcome);
    }

    /// <summary>Completes every read in progress with <paramref name="failure"/> (the host is closing).</summary>
    public void AbortReads(Exception failure) => FailReads(failure);

    void FailReads(Exception failure)
    {
        var error = failure as VolumeException ?? new VolumeException("The quorum volume failed.", innerException: failure);
        foreach (var read in _reads.ToList())
            CompleteRead(read, new PageReadOutcome(Lsn.Zero, default, error));
    }

    sealed class ReadOperation(PageId page, uint group, Lsn asOf, Lsn requiredScl, Action<PageReadOutcome> completion, long startedAt)
    {
        public PageId Page { get; } = page;
        public uint Group { get; } = group;
        public Lsn AsOf { get; } = asOf;
        public Lsn RequiredScl { get; } = requiredScl;
        public Action<PageReadOutcome> Completion { get; } = completion;
        public long StartedAt { get; } = startedAt;
        public List<NodeId> Candidates { get; } = [];
        public int Next { get; set; }
        public int Outstanding { get; set; }
        public long LastSentAt { get; set; }
        public long RetryAt { get; set; } = long.MaxValue;
        public bool Done { get; set; }
        public ErrorResponse? LastError { get; set; }
    }
}
