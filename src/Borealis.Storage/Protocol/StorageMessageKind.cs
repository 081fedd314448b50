namespace Borealis.Storage.Protocol;

/// <summary>
/// The kind byte of a storage protocol frame (docs/storage-protocol.md). Requests are below 0x80, responses at
/// 0x80 and above, so a frame sent the wrong way is told at once.
/// </summary>
public enum StorageMessageKind : byte
{
    AppendRequest = 0x01,
    GetPageRequest = 0x02,
    ReadLogRequest = 0x03,
    ReadImagesRequest = 0x04,
    GetMapRequest = 0x05,
    SetMapRequest = 0x06,
    GetStatusRequest = 0x07,
    GetNodeStatsRequest = 0x08,

    ErrorResponse = 0x80,
    OkResponse = 0x81,
    AppendResponse = 0x82,
    PageResponse = 0x83,
    ReadLogResponse = 0x84,
    ReadImagesResponse = 0x85,
    MapResponse = 0x86,
    NodeStatusResponse = 0x87,
    NodeStatsResponse = 0x88,
}
