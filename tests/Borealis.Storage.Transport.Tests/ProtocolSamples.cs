using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Transport.Tests;

/// <summary>One message of every kind, with non-trivial contents, and a structural comparison of messages.</summary>
internal static class ProtocolSamples
{
    static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static SegmentFrame Frame(uint group, ulong first, int records, int seed) => new(
        group, new VolumeEpoch(3), new Lsn(first), new Lsn(first - 1), new Lsn(first + (ulong)records + 5), 1234,
        [.. Enumerable.Range(0, records).Select(i => new RedoRecord(new PageId(group * 100 + (uint)i + 1), new Lsn(first - 7), Bytes(i * 13 + 4, seed + i)))]);

    public static VolumeMap Map() => new(
        Guid.Parse("6f1c2e3d-4b5a-6978-8a9b-0c1d2e3f4a5b"), 42, new VolumeEpoch(7), 4096, 10_000,
        [.. Enumerable.Range(1, 7).Select(i => new StorageNodeInfo(new NodeId(i), "zone-" + "abc"[i % 3] + "-é", "host" + i + ".example:" + (7000 + i)))],
        [
            new GroupMembership(0, 3, [new(1), new(2), new(3), new(4), new(5), new(6)], []),
            new GroupMembership(1, 9, [new(1), new(2), new(3), new(4), new(5), new(6)], [new(1), new(2), new(3), new(4), new(5), new(7)]),
        ],
        [new Truncation(new VolumeEpoch(5), new Lsn(100)), new Truncation(new VolumeEpoch(7), new Lsn(250))]);

    public static IEnumerable<StorageRequest> Requests() =>
    [
        new AppendRequest(new VolumeEpoch(3), new Lsn(99), 77, new Lsn(50), [Frame(0, 100, 3, 1), Frame(1, 103, 1, 2), Frame(2, 104, 0, 3)]),
        new AppendRequest(new VolumeEpoch(1), Lsn.Zero, 0, Lsn.Zero, []),
        new GetPageRequest(new VolumeEpoch(3), 5, new PageId(501), new Lsn(ulong.MaxValue - 1), new Lsn(12345)),
        new ReadLogRequest(new VolumeEpoch(4), 2, new Lsn(777), 1 << 20),
        new ReadImagesRequest(new VolumeEpoch(4), 2, Lsn.Zero, new PageId(201), 64),
        new GetMapRequest(),
        new SetMapRequest(Map()),
        new GetStatusRequest(),
        new GetNodeStatsRequest(),
    ];

    public static IEnumerable<StorageResponse> Responses() =>
    [
        new ErrorResponse(StorageStatus.StaleEpoch, "epoch 3 < 7 — fenced", new VolumeEpoch(7)),
        new ErrorResponse(StorageStatus.Unreachable, "", default),
        new OkResponse(),
        new AppendResponse([new SegmentProgress(0, new Lsn(102)), new SegmentProgress(1, new Lsn(103)), new SegmentProgress(9, Lsn.Zero)]),
        new AppendResponse([]),
        new PageResponse(new Lsn(555), Bytes(4096, 9)),
        new PageResponse(Lsn.Zero, Array.Empty<byte>()),
        new ReadLogResponse(1, new Lsn(200), new Lsn(150), new Lsn(90), new Lsn(180), 333, [Frame(1, 151, 2, 4), Frame(1, 160, 5, 5)], true),
        new ReadLogResponse(1, Lsn.Zero, Lsn.Zero, Lsn.Zero, Lsn.Zero, 0, [], false),
        new ReadImagesResponse(2, new Lsn(400), [new PageImage(new PageId(201), new Lsn(390), Bytes(4096, 6)), new PageImage(new PageId(207), new Lsn(12), Bytes(4096, 7))], new PageId(208)),
        new MapResponse(Map()),
        new MapResponse(null),
        new NodeStatusResponse(new NodeId(4), "b", 42, new VolumeEpoch(7),
            [new SegmentStatus(0, new Lsn(100), new Lsn(120), new Lsn(10), 1 << 30, "healthy"), new SegmentStatus(3, Lsn.Zero, Lsn.Zero, Lsn.Zero, 0, "hydrating")]),
        new NodeStatsResponse(new NodeId(6), 3, 17, new FsyncStats(123_456_789_012, ulong.MaxValue - 5, 1024, 85_000, 1_250_000, 40_000_000_000)),
        new NodeStatsResponse(new NodeId(1), 0, 0, default),
    ];

    /// <summary>
    /// A rendering that compares messages by content: records holding arrays (ImmutableArray, ReadOnlyMemory) do not
    /// compare by content with record equality.
    /// </summary>
    public static string Render(object message) => message.GetType().Name + JsonSerializer.Serialize(message, message.GetType(), s_json);

    static readonly JsonSerializerOptions s_json = new()
    {
        Converters =
        {
            new NumberConverter<Lsn>(v => v.Value),
            new NumberConverter<VolumeEpoch>(v => v.Value),
            new NumberConverter<PageId>(v => v.Value),
            new NumberConverter<NodeId>(v => (ulong)v.Value),
        },
    };

    /// <summary>Writes a domain quantity as its number (their <c>Next</c> properties would recurse forever).</summary>
    sealed class NumberConverter<T>(Func<T, ulong> value) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, T item, JsonSerializerOptions options) => writer.WriteNumberValue(value(item));
    }

    public static ImmutableArray<T> Empty<T>() => [];
}
