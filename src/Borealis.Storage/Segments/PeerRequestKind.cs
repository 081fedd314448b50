namespace Borealis.Storage.Segments;

/// <summary>What a request the node sent to a peer was for.</summary>
internal enum PeerRequestKind
{
    ReadLog,
    ReadImages,
    GetMap,
    SetMap,
}
