using System.Runtime.InteropServices;
using Borealis.Common;

namespace Borealis.Storage.Protocol;

/// <summary>Payloads of the response messages (kinds 0x80–0x88).</summary>
public static partial class StorageCodec
{
    const int MinSegmentStatusSize = 4 + 8 + 8 + 8 + 8 + 4;

    const int MinPageImageSize = 4 + 8 + 4;

    static StorageMessageKind KindOf(StorageResponse response) => response switch
    {
        ErrorResponse => StorageMessageKind.ErrorResponse,
        OkResponse => StorageMessageKind.OkResponse,
        AppendResponse => StorageMessageKind.AppendResponse,
        PageResponse => StorageMessageKind.PageResponse,
        ReadLogResponse => StorageMessageKind.ReadLogResponse,
        ReadImagesResponse => StorageMessageKind.ReadImagesResponse,
        MapResponse => StorageMessageKind.MapResponse,
        NodeStatusResponse => StorageMessageKind.NodeStatusResponse,
        NodeStatsResponse => StorageMessageKind.NodeStatsResponse,
        _ => throw new ArgumentException($"No encoding for {response.GetType().Name}.", nameof(response)),
    };

    static int SizeHint(StorageResponse response)
    {
        switch (response)
        {
            case PageResponse page:
                return 64 + page.Image.Length;
            case ReadLogResponse readLog:
                return 128 + FramesSizeHint(readLog.Frames);
            case ReadImagesResponse readImages:
                long size = 64;
                if (readImages.Images is not null)
                {
                    foreach (var image in readImages.Images)
                        size += MinPageImageSize + (image?.Image.Length ?? 0);
                }
                return (int)Math.Min(size, MaxFrameSize);
            default:
                return 256;
        }
    }

    static void WriteResponse(ref FrameWriter writer, StorageResponse response)
    {
        switch (response)
        {
            case ErrorResponse error:
                writer.WriteByte((byte)error.Status);
                writer.WriteUInt64(error.NodeEpoch.Value);
                writer.WriteString(error.Message ?? "");
                break;
            case OkResponse:
                break;
            case AppendResponse append:
                ArgumentNullException.ThrowIfNull(append.Segments);
                writer.WriteCount(append.Segments.Count);
                for (int i = 0; i < append.Segments.Count; i++)
                {
                    writer.WriteUInt32(append.Segments[i].Group);
                    writer.WriteUInt64(append.Segments[i].Scl.Value);
                }
                break;
            case PageResponse page:
                writer.WriteUInt64(page.Version.Value);
                writer.WriteBytes(page.Image.Span);
                break;
            case ReadLogResponse readLog:
                writer.WriteUInt32(readLog.Group);
                writer.WriteUInt64(readLog.Scl.Value);
                writer.WriteUInt64(readLog.TailAtOrBelowAfter.Value);
                writer.WriteUInt64(readLog.LogStart.Value);
                writer.WriteUInt64(readLog.KnownDurable.Value);
                writer.WriteUInt32(readLog.PageCountAtKnownDurable);
                writer.WriteBool(readLog.More);
                WriteFrames(ref writer, readLog.Frames);
                break;
            case ReadImagesResponse readImages:
                ArgumentNullException.ThrowIfNull(readImages.Images);
                writer.WriteUInt32(readImages.Group);
                writer.WriteUInt64(readImages.AsOf.Value);
                writer.WriteUInt32(readImages.NextPage.Value);
                writer.WriteCount(readImages.Images.Count);
                for (int i = 0; i < readImages.Images.Count; i++)
                {
                    var image = readImages.Images[i];
                    writer.WriteUInt32(image.Page.Value);
                    writer.WriteUInt64(image.Version.Value);
                    writer.WriteBytes(image.Image.Span);
                }
                break;
            case MapResponse map:
                writer.WriteBool(map.Map is not null);
                if (map.Map is not null)
                    WriteVolumeMap(ref writer, map.Map);
                break;
            case NodeStatusResponse status:
                writer.WriteInt32(status.Node.Value);
                writer.WriteString(status.Zone);
                writer.WriteInt64(status.MapVersion);
                writer.WriteUInt64(status.Epoch.Value);
                var segments = status.Segments.IsDefault ? [] : status.Segments;
                writer.WriteCount(segments.Length);
                foreach (var segment in segments)
                {
                    writer.WriteUInt32(segment.Group);
                    writer.WriteUInt64(segment.Scl.Value);
                    writer.WriteUInt64(segment.MaxLsn.Value);
                    writer.WriteUInt64(segment.LogStart.Value);
                    writer.WriteInt64(segment.Bytes);
                    writer.WriteString(segment.State);
                }
                break;
            case NodeStatsResponse stats:
                writer.WriteInt32(stats.Node.Value);
                writer.WriteUInt32(stats.QueuedRequests);
                writer.WriteUInt32(stats.AwaitingFsync);
                writer.WriteUInt64(stats.Fsyncs.Count);
                writer.WriteUInt64(stats.Fsyncs.TotalNanoseconds);
                writer.WriteUInt32(stats.Fsyncs.RecentCount);
                writer.WriteUInt64(stats.Fsyncs.RecentP50Nanoseconds);
                writer.WriteUInt64(stats.Fsyncs.RecentP99Nanoseconds);
                writer.WriteUInt64(stats.Fsyncs.RecentMaxNanoseconds);
                break;
        }
    }

    static StorageResponse ReadResponse(byte kind, ref FrameReader reader)
    {
        switch ((StorageMessageKind)kind)
        {
            case StorageMessageKind.ErrorResponse:
                {
                    byte status = reader.ReadByte();
                    if (!Enum.IsDefined((StorageStatus)status))
                        StorageProtocolException.ThrowMalformed("unknown error status " + status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    var epoch = new VolumeEpoch(reader.ReadUInt64());
                    return new ErrorResponse((StorageStatus)status, reader.ReadString(), epoch);
                }
            case StorageMessageKind.OkResponse:
                return new OkResponse();
            case StorageMessageKind.AppendResponse:
                {
                    var segments = new SegmentProgress[reader.ReadCount(4 + 8)];
                    for (int i = 0; i < segments.Length; i++)
                    {
                        uint group = reader.ReadUInt32();
                        segments[i] = new SegmentProgress(group, new Lsn(reader.ReadUInt64()));
                    }
                    return new AppendResponse(segments);
                }
            case StorageMessageKind.PageResponse:
                {
                    var version = new Lsn(reader.ReadUInt64());
                    return new PageResponse(version, reader.ReadBytes());
                }
            case StorageMessageKind.ReadLogResponse:
                {
                    uint group = reader.ReadUInt32();
                    var scl = new Lsn(reader.ReadUInt64());
                    var tail = new Lsn(reader.ReadUInt64());
                    var logStart = new Lsn(reader.ReadUInt64());
                    var knownDurable = new Lsn(reader.ReadUInt64());
                    uint pageCount = reader.ReadUInt32();
                    bool more = reader.ReadBool();
                    return new ReadLogResponse(group, scl, tail, logStart, knownDurable, pageCount, ReadFrames(ref reader), more);
                }
            case StorageMessageKind.ReadImagesResponse:
                {
                    uint group = reader.ReadUInt32();
                    var asOf = new Lsn(reader.ReadUInt64());
                    var nextPage = new PageId(reader.ReadUInt32());
                    var images = new PageImage[reader.ReadCount(MinPageImageSize)];
                    for (int i = 0; i < images.Length; i++)
                    {
                        var page = new PageId(reader.ReadUInt32());
                        var version = new Lsn(reader.ReadUInt64());
                        images[i] = new PageImage(page, version, reader.ReadBytes());
                    }
                    return new ReadImagesResponse(group, asOf, images, nextPage);
                }
            case StorageMessageKind.MapResponse:
                return new MapResponse(reader.ReadBool() ? ReadVolumeMap(ref reader) : null);
            case StorageMessageKind.NodeStatusResponse:
                {
                    var node = new NodeId(reader.ReadInt32());
                    var zone = reader.ReadString();
                    long mapVersion = reader.ReadInt64();
                    var epoch = new VolumeEpoch(reader.ReadUInt64());
                    var segments = new SegmentStatus[reader.ReadCount(MinSegmentStatusSize)];
                    for (int i = 0; i < segments.Length; i++)
                    {
                        uint group = reader.ReadUInt32();
                        var scl = new Lsn(reader.ReadUInt64());
                        var maxLsn = new Lsn(reader.ReadUInt64());
                        var logStart = new Lsn(reader.ReadUInt64());
                        long bytes = reader.ReadInt64();
                        segments[i] = new SegmentStatus(group, scl, maxLsn, logStart, bytes, reader.ReadString());
                    }
                    return new NodeStatusResponse(node, zone, mapVersion, epoch, ImmutableCollectionsMarshal.AsImmutableArray(segments));
                }
            case StorageMessageKind.NodeStatsResponse:
                {
                    var node = new NodeId(reader.ReadInt32());
                    uint queued = reader.ReadUInt32();
                    uint awaitingFsync = reader.ReadUInt32();
                    var fsyncs = new FsyncStats(reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt32(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64());
                    if (fsyncs.RecentCount > fsyncs.Count || fsyncs.RecentP50Nanoseconds > fsyncs.RecentP99Nanoseconds || fsyncs.RecentP99Nanoseconds > fsyncs.RecentMaxNanoseconds)
                        StorageProtocolException.ThrowMalformed("fsync statistics out of order (recent count above the count, or p50 > p99 > max)");
                    return new NodeStatsResponse(node, queued, awaitingFsync, fsyncs);
                }
            default:
                StorageProtocolException.ThrowUnknownKind(kind, "response");
                return null;
        }
    }
}
