namespace Borealis.Storage.Protocol;

/// <summary>One storage node of the fleet as the volume map knows it.</summary>
/// <param name="Id">The node's identity.</param>
/// <param name="Zone">Its availability zone ("a", "b", "c"): the two copies of a group in one zone are on different nodes.</param>
/// <param name="Address">Where it listens, <c>host:port</c>.</param>
public sealed record StorageNodeInfo(NodeId Id, string Zone, string Address);
