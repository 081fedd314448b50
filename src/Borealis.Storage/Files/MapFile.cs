using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Borealis.Common;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Files;

/// <summary>
/// The durable volume map: u64 magic "BORSMAP1", u32 format version, u32 payload length, the payload, u64 XXH64 of
/// every byte before it. Payload (little-endian, strings as BinaryWriter writes them: 7-bit length + UTF-8):
/// 16 bytes volume id, i64 version, u64 epoch, i32 page size, u32 pages per group; u32 node count, per node i32 id,
/// string zone, string address; u32 group count, per group u32 group, i64 membership epoch, u32 n + n × i32 members,
/// u32 m + m × i32 next; u32 truncation count, per truncation u64 epoch, u64 above; (format 2) 16 bytes writer id.
/// Format 1 files (no writer id) are still read.
/// Replaced atomically (temp file, fsync, rename, directory fsync).
/// </summary>
internal static class MapFile
{
    const ulong Magic = 0x3150414D53524F42; // "BORSMAP1"
    const uint Version = 2;
    const int HeaderSize = 16;

    public static byte[] Encode(VolumeMap map)
    {
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(map.VolumeId.ToByteArray());
            w.Write(map.Version);
            w.Write(map.Epoch.Value);
            w.Write(map.PageSize);
            w.Write(map.PagesPerGroup);
            w.Write((uint)map.Nodes.Length);
            foreach (var node in map.Nodes)
            {
                w.Write(node.Id.Value);
                w.Write(node.Zone);
                w.Write(node.Address);
            }
            w.Write((uint)map.Groups.Length);
            foreach (var group in map.Groups)
            {
                w.Write(group.Group);
                w.Write(group.MembershipEpoch);
                WriteIds(w, group.Members);
                WriteIds(w, group.Next);
            }
            w.Write((uint)map.Truncations.Length);
            foreach (var truncation in map.Truncations)
            {
                w.Write(truncation.Epoch.Value);
                w.Write(truncation.Above.Value);
            }
            w.Write(map.Writer.ToByteArray());
        }
        int length = (int)payload.Length;
        var bytes = new byte[HeaderSize + length + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)length);
        payload.GetBuffer().AsSpan(0, length).CopyTo(bytes.AsSpan(HeaderSize));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(HeaderSize + length), StorageChecksum.Compute(bytes.AsSpan(0, HeaderSize + length)));
        return bytes;
    }

    static void WriteIds(BinaryWriter w, ImmutableArray<NodeId> ids)
    {
        if (ids.IsDefaultOrEmpty)
        {
            w.Write(0u);
            return;
        }
        w.Write((uint)ids.Length);
        foreach (var id in ids)
            w.Write(id.Value);
    }

    /// <summary>Decodes a map file; null when it is torn or corrupt.</summary>
    public static VolumeMap? TryDecode(byte[] bytes)
    {
        if (bytes.Length < HeaderSize + 8
            || BinaryPrimitives.ReadUInt64LittleEndian(bytes) != Magic
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)) is not (1 or Version))
        {
            return null;
        }
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        if (length != bytes.Length - HeaderSize - 8
            || BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(HeaderSize + (int)length)) != StorageChecksum.Compute(bytes.AsSpan(0, HeaderSize + (int)length)))
        {
            return null;
        }
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, HeaderSize, (int)length), Encoding.UTF8);
            var volumeId = new Guid(r.ReadBytes(16));
            long version = r.ReadInt64();
            var epoch = new VolumeEpoch(r.ReadUInt64());
            int pageSize = r.ReadInt32();
            uint pagesPerGroup = r.ReadUInt32();
            var nodes = ImmutableArray.CreateBuilder<StorageNodeInfo>();
            for (uint i = r.ReadUInt32(); i > 0; i--)
                nodes.Add(new StorageNodeInfo(new NodeId(r.ReadInt32()), r.ReadString(), r.ReadString()));
            var groups = ImmutableArray.CreateBuilder<GroupMembership>();
            for (uint i = r.ReadUInt32(); i > 0; i--)
                groups.Add(new GroupMembership(r.ReadUInt32(), r.ReadInt64(), ReadIds(r), ReadIds(r)));
            var truncations = ImmutableArray.CreateBuilder<Truncation>();
            for (uint i = r.ReadUInt32(); i > 0; i--)
                truncations.Add(new Truncation(new VolumeEpoch(r.ReadUInt64()), new Lsn(r.ReadUInt64())));
            var writer = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)) >= 2 ? new Guid(r.ReadBytes(16)) : Guid.Empty;
            return new VolumeMap(volumeId, version, epoch, pageSize, pagesPerGroup, nodes.ToImmutable(), groups.ToImmutable(), truncations.ToImmutable())
            {
                Writer = writer,
            };
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    static ImmutableArray<NodeId> ReadIds(BinaryReader r)
    {
        var ids = ImmutableArray.CreateBuilder<NodeId>();
        for (uint i = r.ReadUInt32(); i > 0; i--)
            ids.Add(new NodeId(r.ReadInt32()));
        return ids.ToImmutable();
    }
}
