using System.Collections.Immutable;
using Borealis.Common;

namespace Borealis.Storage.Protocol;

/// <summary>
/// Everything a storage node or a writer needs to know about a volume: its geometry, its nodes, the members of
/// every protection group, the volume epoch and the truncations. Stored durably on every storage node; a writer
/// changes it by writing a new version to a write quorum and reads it from a read quorum (the highest
/// (<see cref="Epoch"/>, <see cref="Version"/>) wins). A node adopts a map only if it is newer than its own:
/// higher epoch, or same epoch and higher version.
/// </summary>
/// <param name="VolumeId">Fixed at creation; a node refuses maps and frames of another volume.</param>
/// <param name="Version">Increases with every change, across epochs too.</param>
/// <param name="Epoch">The volume epoch; requests from older epochs are refused (fencing).</param>
/// <param name="PageSize">Bytes per page.</param>
/// <param name="PagesPerGroup">Pages per protection group.</param>
/// <param name="Nodes">The fleet.</param>
/// <param name="Groups">Group i at index i; the volume grows by appending groups.</param>
/// <param name="Truncations">Every truncation ever made, oldest first.</param>
public sealed record VolumeMap(
    Guid VolumeId,
    long Version,
    VolumeEpoch Epoch,
    int PageSize,
    uint PagesPerGroup,
    ImmutableArray<StorageNodeInfo> Nodes,
    ImmutableArray<GroupMembership> Groups,
    ImmutableArray<Truncation> Truncations)
{
    /// <summary>
    /// The writer that wrote this version (a random id per open; <see cref="Guid.Empty"/> in maps written before it
    /// was recorded). An epoch belongs to one writer: a node refuses a map of its own epoch from another writer
    /// unless that map is newer, so two writers that recover at once cannot both commit the same epoch-bumping
    /// version (any two write quorums share a node, and that node accepts only the first).
    /// </summary>
    public Guid Writer { get; init; }

    /// <summary>Whether <paramref name="other"/> is a different writer's map of this map's epoch that is not newer: a node holding this map refuses it.</summary>
    public bool ConflictsWith(VolumeMap other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Epoch == Epoch && other.Writer != Writer && !other.IsNewerThan(this);
    }

    /// <summary>The group that holds <paramref name="page"/>.</summary>
    public uint GroupOf(PageId page) => (page.Value - 1) / PagesPerGroup;

    /// <summary>Whether this map supersedes <paramref name="other"/> (null: any map does).</summary>
    public bool IsNewerThan(VolumeMap? other) =>
        other is null || Epoch > other.Epoch || (Epoch == other.Epoch && Version > other.Version);

    /// <summary>Whether a record at <paramref name="lsn"/> written in <paramref name="frameEpoch"/> was voided by a truncation.</summary>
    public bool IsVoid(VolumeEpoch frameEpoch, Lsn lsn)
    {
        foreach (var truncation in Truncations)
        {
            if (truncation.Voids(frameEpoch, lsn))
                return true;
        }
        return false;
    }

    /// <summary>Write quorum of nodes for a map change: a majority of the fleet (4 of 6).</summary>
    public int MapWriteQuorum => Nodes.Length / 2 + 1;

    /// <summary>Read quorum of nodes for reading the map: any set that meets every write quorum (3 of 6).</summary>
    public int MapReadQuorum => Nodes.Length - MapWriteQuorum + 1;
}
