using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Borealis.Common;
using Borealis.Common.Redo;

namespace Borealis.Storage.Protocol;

/// <summary>Encodings shared by several messages: segment frames, redo records and the volume map.</summary>
public static partial class StorageCodec
{
    /// <summary>Group, epoch, first, backlink, commit, page count, record count.</summary>
    const int MinSegmentFrameSize = 4 + 8 + 8 + 8 + 8 + 4 + 4;

    /// <summary>Page, previous LSN, delta length.</summary>
    const int MinRedoRecordSize = 4 + 8 + 4;

    const int MinNodeInfoSize = 4 + 4 + 4;

    const int MinGroupSize = 4 + 8 + 4 + 4;

    const int MinTruncationSize = 8 + 8;

    static void WriteFrames(ref FrameWriter writer, IReadOnlyList<SegmentFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        writer.WriteCount(frames.Count);
        for (int i = 0; i < frames.Count; i++)
            WriteSegmentFrame(ref writer, frames[i]);
    }

    static SegmentFrame[] ReadFrames(ref FrameReader reader)
    {
        var frames = new SegmentFrame[reader.ReadCount(MinSegmentFrameSize)];
        for (int i = 0; i < frames.Length; i++)
            frames[i] = ReadSegmentFrame(ref reader);
        return frames;
    }

    static void WriteSegmentFrame(ref FrameWriter writer, SegmentFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        writer.WriteUInt32(frame.Group);
        writer.WriteUInt64(frame.Epoch.Value);
        writer.WriteUInt64(frame.First.Value);
        writer.WriteUInt64(frame.Backlink.Value);
        writer.WriteUInt64(frame.Commit.Value);
        writer.WriteUInt32(frame.PageCount);
        var records = frame.Records.IsDefault ? [] : frame.Records;
        writer.WriteCount(records.Length);
        foreach (var record in records)
        {
            writer.WriteUInt32(record.Page.Value);
            writer.WriteUInt64(record.PreviousLsn.Value);
            writer.WriteBytes(record.Delta.Span);
        }
    }

    static SegmentFrame ReadSegmentFrame(ref FrameReader reader)
    {
        uint group = reader.ReadUInt32();
        var epoch = new VolumeEpoch(reader.ReadUInt64());
        var first = new Lsn(reader.ReadUInt64());
        var backlink = new Lsn(reader.ReadUInt64());
        var commit = new Lsn(reader.ReadUInt64());
        uint pageCount = reader.ReadUInt32();
        var records = new RedoRecord[reader.ReadCount(MinRedoRecordSize)];
        for (int i = 0; i < records.Length; i++)
        {
            var page = new PageId(reader.ReadUInt32());
            var previous = new Lsn(reader.ReadUInt64());
            records[i] = new RedoRecord(page, previous, reader.ReadBytes());
        }
        return new SegmentFrame(group, epoch, first, backlink, commit, pageCount, ImmutableCollectionsMarshal.AsImmutableArray(records));
    }

    static void WriteVolumeMap(ref FrameWriter writer, VolumeMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        writer.WriteGuid(map.VolumeId);
        writer.WriteInt64(map.Version);
        writer.WriteUInt64(map.Epoch.Value);
        writer.WriteInt32(map.PageSize);
        writer.WriteUInt32(map.PagesPerGroup);
        var nodes = map.Nodes.IsDefault ? [] : map.Nodes;
        writer.WriteCount(nodes.Length);
        foreach (var node in nodes)
        {
            writer.WriteInt32(node.Id.Value);
            writer.WriteString(node.Zone);
            writer.WriteString(node.Address);
        }
        var groups = map.Groups.IsDefault ? [] : map.Groups;
        writer.WriteCount(groups.Length);
        foreach (var group in groups)
        {
            writer.WriteUInt32(group.Group);
            writer.WriteInt64(group.MembershipEpoch);
            WriteNodeIds(ref writer, group.Members);
            WriteNodeIds(ref writer, group.Next);
        }
        var truncations = map.Truncations.IsDefault ? [] : map.Truncations;
        writer.WriteCount(truncations.Length);
        foreach (var truncation in truncations)
        {
            writer.WriteUInt64(truncation.Epoch.Value);
            writer.WriteUInt64(truncation.Above.Value);
        }
        writer.WriteGuid(map.Writer);
    }

    static VolumeMap ReadVolumeMap(ref FrameReader reader)
    {
        var volumeId = reader.ReadGuid();
        long version = reader.ReadInt64();
        var epoch = new VolumeEpoch(reader.ReadUInt64());
        int pageSize = reader.ReadInt32();
        uint pagesPerGroup = reader.ReadUInt32();
        var nodes = new StorageNodeInfo[reader.ReadCount(MinNodeInfoSize)];
        for (int i = 0; i < nodes.Length; i++)
        {
            var id = new NodeId(reader.ReadInt32());
            var zone = reader.ReadString();
            nodes[i] = new StorageNodeInfo(id, zone, reader.ReadString());
        }
        var groups = new GroupMembership[reader.ReadCount(MinGroupSize)];
        for (int i = 0; i < groups.Length; i++)
        {
            uint group = reader.ReadUInt32();
            long membershipEpoch = reader.ReadInt64();
            var members = ReadNodeIds(ref reader);
            groups[i] = new GroupMembership(group, membershipEpoch, members, ReadNodeIds(ref reader));
        }
        var truncations = new Truncation[reader.ReadCount(MinTruncationSize)];
        for (int i = 0; i < truncations.Length; i++)
        {
            var truncationEpoch = new VolumeEpoch(reader.ReadUInt64());
            truncations[i] = new Truncation(truncationEpoch, new Lsn(reader.ReadUInt64()));
        }
        var writerId = reader.ReadGuid();
        return new VolumeMap(
            volumeId, version, epoch, pageSize, pagesPerGroup,
            ImmutableCollectionsMarshal.AsImmutableArray(nodes),
            ImmutableCollectionsMarshal.AsImmutableArray(groups),
            ImmutableCollectionsMarshal.AsImmutableArray(truncations))
        { Writer = writerId };
    }

    static void WriteNodeIds(ref FrameWriter writer, ImmutableArray<NodeId> ids)
    {
        var list = ids.IsDefault ? [] : ids;
        writer.WriteCount(list.Length);
        foreach (var id in list)
            writer.WriteInt32(id.Value);
    }

    static ImmutableArray<NodeId> ReadNodeIds(ref FrameReader reader)
    {
        var ids = new NodeId[reader.ReadCount(4)];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = new NodeId(reader.ReadInt32());
        return ImmutableCollectionsMarshal.AsImmutableArray(ids);
    }

    static int FramesSizeHint(IReadOnlyList<SegmentFrame>? frames)
    {
        if (frames is null)
            return 0;
        long size = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            if (frame is null)
                continue;
            size += MinSegmentFrameSize;
            if (!frame.Records.IsDefault)
            {
                foreach (var record in frame.Records)
                    size += MinRedoRecordSize + record.Delta.Length;
            }
        }
        return (int)Math.Min(size, MaxFrameSize);
    }
}
