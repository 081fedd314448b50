using Borealis.Storage.Protocol;

namespace Borealis.Volume.Quorum;

public sealed partial class QuorumVolumeCore
{
    // The fleet the operator wants: map nodes missing from it are retired. Null until UpdateFleet: then the fleet
    // is options.Nodes.
    HashSet<NodeId>? _fleet;
    IReadOnlyList<StorageNodeInfo>? _pendingFleet;

    /// <summary>
    /// The storage fleet changed (the topology file was edited, a lost node was replaced): nodes new to the map
    /// are added to it (a map write), a changed address is updated, and a node of the map that is no longer listed
    /// is retired: its segments are moved to other nodes at once, without waiting for <see cref="QuorumVolumeOptions.ReplaceAfter"/>.
    /// Before the volume is open the change is kept and applied when it opens.
    /// </summary>
    public void UpdateFleet(IReadOnlyList<StorageNodeInfo> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        _fleet = [.. nodes.Select(n => n.Id)];
        if (_state != QuorumVolumeState.Open || _map is null)
        {
            _pendingFleet = nodes;
            return;
        }
        _pendingFleet = null;
        var map = _map;
        var merged = map.Nodes.ToList();
        bool changed = false;
        foreach (var node in nodes)
        {
            int i = merged.FindIndex(n => n.Id == node.Id);
            if (i < 0)
            {
                merged.Add(node);
                changed = true;
            }
            else if (merged[i] != node)
            {
                merged[i] = node;
                changed = true;
            }
        }
        if (changed)
            ChangeMap(map with { Version = map.Version + 1, Nodes = [.. merged] }, null);
    }

    /// <summary>True when the operator removed the node from the fleet: its segments move away and it gets no new ones.</summary>
    bool IsRetired(NodeId node) => _fleet is not null ? !_fleet.Contains(node) : !_options.Nodes.Any(n => n.Id == node);

    /// <summary>Applies a fleet change that arrived while the volume was opening.</summary>
    void ApplyPendingFleet()
    {
        if (_pendingFleet is { } fleet && _state == QuorumVolumeState.Open)
            UpdateFleet(fleet);
    }
}
