using Borealis.Common;
using Borealis.Storage.Files;
using Borealis.Storage.Protocol;

namespace Borealis.Storage;

public sealed partial class StorageNodeCore
{
    /// <summary>
    /// Makes <paramref name="map"/> the node's map, durably, then creates the segments it now hosts, deletes the
    /// ones it no longer hosts, and drops frames its truncations void. The caller checked that it is newer.
    /// </summary>
    void AdoptMap(VolumeMap map)
    {
        WriteAtomically(FileNames.Map, MapFile.Encode(map));
        var old = _map;
        _map = map;
        RebuildNodes();

        int removed = 0;
        foreach (var segment in _segments.Values.ToList())
        {
            if (!Hosts(map, segment.Group))
            {
                DeleteSegment(segment);
                removed++;
            }
        }
        int added = 0;
        foreach (var group in map.Groups)
        {
            if (group.Contains(_options.Id) && !_segments.ContainsKey(group.Group))
            {
                LoadSegment(group.Group, replay: true);
                added++;
            }
        }
        if (old is null || !old.Truncations.SequenceEqual(map.Truncations))
        {
            List<Truncation> newTruncations = old is null ? [] : [.. map.Truncations.Except(old.Truncations)];
            foreach (var segment in _segments.Values.ToList())
            {
                if (segment.Base != Lsn.Zero && newTruncations.Any(t => t.Above < segment.Base))
                {
                    // A base above a new truncation point may hold records it voids (images cannot be taken apart):
                    // start the segment again from its peers.
                    Log.BaseVoided(_logger, segment.Group, segment.Base.Value);
                    DeleteSegment(segment);
                    LoadSegment(segment.Group, replay: true);
                    continue;
                }
                int before = segment.FrameCount;
                segment.RemoveWhere(f => map.IsVoid(f.Frame.Epoch, f.Frame.Last));
                segment.PeerScl = segment.Scl;
                if (segment.FrameCount < before)
                    Log.VoidDropped(_logger, segment.Group, before - segment.FrameCount);
            }
        }
        Log.MapAdopted(_logger, map.Version, map.Epoch.Value, added, removed);
    }

    bool Hosts(VolumeMap map, uint group) => group < (uint)map.Groups.Length && map.Groups[(int)group].Contains(_options.Id);

    void RebuildNodes()
    {
        _nodes = [];
        foreach (var node in _map!.Nodes)
            _nodes[node.Id] = node;
    }

    /// <summary>Offers a map received from a peer: adopted when it is of this volume and newer.</summary>
    void OfferMap(VolumeMap? map)
    {
        if (map is null || !map.IsNewerThan(_map))
            return;
        if (_map is not null && (map.VolumeId != _map.VolumeId || map.PageSize != _map.PageSize || map.PagesPerGroup != _map.PagesPerGroup))
            return;
        AdoptMap(map);
    }
}
