using Borealis.Storage.Protocol;

namespace Borealis.Storage.Segments;

/// <summary>A request the node sent to a peer and has not had an answer for.</summary>
internal readonly record struct PendingPeerRequest(PeerRequestKind Kind, uint Group, StorageNodeInfo Peer, long SentAt);
