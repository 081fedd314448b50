using Borealis.Common;

namespace Borealis.Storage.Protocol;

/// <summary>Payloads of the request messages (kinds 0x01–0x08).</summary>
public static partial class StorageCodec
{
    static StorageMessageKind KindOf(StorageRequest request) => request switch
    {
        AppendRequest => StorageMessageKind.AppendRequest,
        GetPageRequest => StorageMessageKind.GetPageRequest,
        ReadLogRequest => StorageMessageKind.ReadLogRequest,
        ReadImagesRequest => StorageMessageKind.ReadImagesRequest,
        GetMapRequest => StorageMessageKind.GetMapRequest,
        SetMapRequest => StorageMessageKind.SetMapRequest,
        GetStatusRequest => StorageMessageKind.GetStatusRequest,
        GetNodeStatsRequest => StorageMessageKind.GetNodeStatsRequest,
        _ => throw new ArgumentException($"No encoding for {request.GetType().Name}.", nameof(request)),
    };

    static int SizeHint(StorageRequest request) => request switch
    {
        AppendRequest append => 64 + FramesSizeHint(append.Frames),
        _ => 256,
    };

    static void WriteRequest(ref FrameWriter writer, StorageRequest request)
    {
        switch (request)
        {
            case AppendRequest append:
                writer.WriteUInt64(append.Epoch.Value);
                writer.WriteUInt64(append.DurableLsn.Value);
                writer.WriteUInt32(append.PageCountAtDurable);
                writer.WriteUInt64(append.ReadHorizon.Value);
                WriteFrames(ref writer, append.Frames);
                break;
            case GetPageRequest getPage:
                writer.WriteUInt64(getPage.Epoch.Value);
                writer.WriteUInt32(getPage.Group);
                writer.WriteUInt32(getPage.Page.Value);
                writer.WriteUInt64(getPage.AsOf.Value);
                writer.WriteUInt64(getPage.RequiredScl.Value);
                break;
            case ReadLogRequest readLog:
                writer.WriteUInt64(readLog.Epoch.Value);
                writer.WriteUInt32(readLog.Group);
                writer.WriteUInt64(readLog.After.Value);
                writer.WriteInt32(readLog.MaxBytes);
                break;
            case ReadImagesRequest readImages:
                writer.WriteUInt64(readImages.Epoch.Value);
                writer.WriteUInt32(readImages.Group);
                writer.WriteUInt64(readImages.AsOf.Value);
                writer.WriteUInt32(readImages.FromPage.Value);
                writer.WriteInt32(readImages.MaxPages);
                break;
            case GetMapRequest:
            case GetStatusRequest:
            case GetNodeStatsRequest:
                break;
            case SetMapRequest setMap:
                WriteVolumeMap(ref writer, setMap.Map);
                break;
        }
    }

    static StorageRequest ReadRequest(byte kind, ref FrameReader reader)
    {
        switch ((StorageMessageKind)kind)
        {
            case StorageMessageKind.AppendRequest:
                {
                    var epoch = new VolumeEpoch(reader.ReadUInt64());
                    var durable = new Lsn(reader.ReadUInt64());
                    uint pageCount = reader.ReadUInt32();
                    var horizon = new Lsn(reader.ReadUInt64());
                    return new AppendRequest(epoch, durable, pageCount, horizon, ReadFrames(ref reader));
                }
            case StorageMessageKind.GetPageRequest:
                {
                    var epoch = new VolumeEpoch(reader.ReadUInt64());
                    uint group = reader.ReadUInt32();
                    var page = new PageId(reader.ReadUInt32());
                    var asOf = new Lsn(reader.ReadUInt64());
                    return new GetPageRequest(epoch, group, page, asOf, new Lsn(reader.ReadUInt64()));
                }
            case StorageMessageKind.ReadLogRequest:
                {
                    var epoch = new VolumeEpoch(reader.ReadUInt64());
                    uint group = reader.ReadUInt32();
                    var after = new Lsn(reader.ReadUInt64());
                    return new ReadLogRequest(epoch, group, after, reader.ReadInt32());
                }
            case StorageMessageKind.ReadImagesRequest:
                {
                    var epoch = new VolumeEpoch(reader.ReadUInt64());
                    uint group = reader.ReadUInt32();
                    var asOf = new Lsn(reader.ReadUInt64());
                    var fromPage = new PageId(reader.ReadUInt32());
                    return new ReadImagesRequest(epoch, group, asOf, fromPage, reader.ReadInt32());
                }
            case StorageMessageKind.GetMapRequest:
                return new GetMapRequest();
            case StorageMessageKind.SetMapRequest:
                return new SetMapRequest(ReadVolumeMap(ref reader));
            case StorageMessageKind.GetStatusRequest:
                return new GetStatusRequest();
            case StorageMessageKind.GetNodeStatsRequest:
                return new GetNodeStatsRequest();
            default:
                StorageProtocolException.ThrowUnknownKind(kind, "request");
                return null;
        }
    }
}
