using System.Collections.Concurrent;
using Borealis.Storage.Protocol;
using Borealis.Storage.Transport;

namespace Borealis.Hosting;

/// <summary>
/// What <c>borealis status</c> shows of the storage fleet: each node's state and segments (asked with
/// <see cref="GetStatusRequest"/>), and each protection group's members and how many healthy copies it has.
/// </summary>
public sealed record StorageFleetStatus(IReadOnlyList<StorageNodeStatus> Nodes, IReadOnlyList<GroupStatus> Groups)
{
    /// <summary>Asks every node of <paramref name="topology"/> for its status and map, within <paramref name="timeout"/>.</summary>
    public static async Task<StorageFleetStatus> QueryAsync(
        StorageTopology topology, Func<Action<long, StorageResponse>, IStorageTransport> transportFactory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answers = new ConcurrentDictionary<long, TaskCompletionSource<StorageResponse>>();
        await using var transport = transportFactory((correlation, response) =>
        {
            if (answers.TryGetValue(correlation, out var tcs))
                tcs.TrySetResult(response);
        });
        var infos = topology.ToNodeInfos(includeRetired: true);
        async Task<StorageResponse?> AskAsync(StorageNodeInfo node, long correlation, StorageRequest request)
        {
            var tcs = new TaskCompletionSource<StorageResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            answers[correlation] = tcs;
            transport.Send(node, correlation, request);
            try
            {
                return await tcs.Task.WaitAsync(timeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                return null; // shown as down
            }
        }

        // Two rounds of statuses (the map with the first): under a write load the nodes answer at slightly different
        // moments, so a copy is compared with where the best copy was a round earlier, not with the best at once.
        var first = Task.WhenAll(infos.Select((n, i) => AskAsync(n, i * 3, new GetStatusRequest())));
        var maps = await Task.WhenAll(infos.Select((n, i) => AskAsync(n, i * 3 + 1, new GetMapRequest())));
        var earlier = await first;
        var statuses = await Task.WhenAll(infos.Select((n, i) => AskAsync(n, i * 3 + 2, new GetStatusRequest())));

        VolumeMap? map = null;
        var nodes = new List<StorageNodeStatus>();
        var earlierScl = new Dictionary<(uint Group, int Node), ulong>();
        for (int i = 0; i < infos.Count; i++)
        {
            var entry = topology.Nodes[i];
            var status = statuses[i] as NodeStatusResponse;
            if (maps[i] is MapResponse { Map: { } m } && m.IsNewerThan(map))
                map = m;
            nodes.Add(new StorageNodeStatus(entry.Id, entry.Zone, entry.Address, entry.Retired, status is not null, status?.Epoch.Value ?? 0,
                status?.Segments.Select(s => new SegmentStatusLine(s.Group, s.Scl.Value, s.MaxLsn.Value, s.State, s.Bytes)).ToList() ?? []));
            if (earlier[i] is NodeStatusResponse before)
            {
                foreach (var segment in before.Segments)
                    earlierScl[(segment.Group, entry.Id)] = segment.Scl.Value;
            }
        }

        var groups = new List<GroupStatus>();
        if (map is not null)
        {
            foreach (var group in map.Groups)
            {
                var members = group.Members.Concat(group.Next.IsDefault ? [] : group.Next).Distinct().ToList();
                var copies = members.Select(id =>
                {
                    var node = nodes.FirstOrDefault(n => n.Id == id.Value);
                    var segment = node?.Segments.FirstOrDefault(s => s.Group == group.Group);
                    return (Node: id.Value, Up: node?.Up == true, Segment: segment);
                }).ToList();
                // A copy is healthy when its node answers and its segment is complete up to the SCL the best copy had
                // in the earlier round (without a load: the best copy's SCL).
                ulong best = copies.Where(c => c.Segment is not null).Select(c => c.Segment!.Scl).DefaultIfEmpty(0UL).Max();
                var earlierCopies = members.Where(id => earlierScl.ContainsKey((group.Group, id.Value))).Select(id => earlierScl[(group.Group, id.Value)]).ToList();
                ulong floor = earlierCopies.Count == 0 ? best : Math.Min(best, earlierCopies.Max());
                int healthy = copies.Count(c => group.Members.Contains(new NodeId(c.Node)) && c.Up && c.Segment is { State: "healthy" } s && s.Scl >= floor);
                groups.Add(new GroupStatus(group.Group, [.. group.Members.Select(m => m.Value)],
                    group.Next.IsDefaultOrEmpty ? [] : [.. group.Next.Select(m => m.Value)], healthy, best));
            }
        }
        return new StorageFleetStatus(nodes, groups);
    }
}

/// <summary>One storage node as <c>status</c> shows it.</summary>
public sealed record StorageNodeStatus(int Id, string Zone, string Address, bool Retired, bool Up, ulong Epoch, IReadOnlyList<SegmentStatusLine> Segments);

/// <summary>One segment of a node.</summary>
public sealed record SegmentStatusLine(uint Group, ulong Scl, ulong MaxLsn, string State, long Bytes);

/// <summary>One protection group: its members (and the members it is moving to) and its healthy copies.</summary>
public sealed record GroupStatus(uint Group, IReadOnlyList<int> Members, IReadOnlyList<int> Next, int HealthyCopies, ulong Scl);
