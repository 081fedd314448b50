namespace Borealis.Storage.Protocol;

/// <summary>Why a storage node did not do what was asked (<see cref="ErrorResponse"/>).</summary>
public enum StorageStatus : byte
{
    /// <summary>The request's volume epoch is older than the node's: the sender has been fenced by a newer writer.</summary>
    StaleEpoch = 1,

    /// <summary>The request's epoch (or the group) is newer than the node's map: send it the map, then retry.</summary>
    UnknownEpoch = 2,

    /// <summary>The node hosts no segment of the group.</summary>
    NotMember = 3,

    /// <summary>The segment is not complete up to the LSN asked for (a hole being filled, or hydrating).</summary>
    NotCaughtUp = 4,

    /// <summary>The version asked for is older than what the segment keeps (below the read horizon it was given).</summary>
    TooOld = 5,

    /// <summary>The data asked for failed its checksum; it is being repaired from peers and is never served.</summary>
    Corrupt = 6,

    /// <summary>The request was malformed or belongs to another volume.</summary>
    BadRequest = 7,

    /// <summary>The node failed (I/O error); it will not serve until restarted.</summary>
    Failed = 8,

    /// <summary>Client side only: no connection to the node, or the request timed out.</summary>
    Unreachable = 9,
}
