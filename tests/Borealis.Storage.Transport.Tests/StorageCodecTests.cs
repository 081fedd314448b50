using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Borealis.Common;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Transport.Tests;

public sealed class StorageCodecTests
{
    public static TheoryData<int> RequestIndexes => [.. Enumerable.Range(0, ProtocolSamples.Requests().Count())];

    public static TheoryData<int> ResponseIndexes => [.. Enumerable.Range(0, ProtocolSamples.Responses().Count())];

    [Theory]
    [MemberData(nameof(RequestIndexes))]
    public void EveryRequestKindSurvivesARoundTrip(int index)
    {
        var request = ProtocolSamples.Requests().ElementAt(index);
        var frame = StorageCodec.EncodeRequest(0xDEAD_BEEF_0000_0000UL + (ulong)index, request);

        var decoded = StorageCodec.DecodeRequest(frame, out ulong requestId);

        Assert.Equal(0xDEAD_BEEF_0000_0000UL + (ulong)index, requestId);
        Assert.Equal(request.GetType(), decoded.GetType());
        Assert.Equal(ProtocolSamples.Render(request), ProtocolSamples.Render(decoded));
        Assert.Equal(frame, StorageCodec.EncodeRequest(requestId, decoded));
    }

    [Theory]
    [MemberData(nameof(ResponseIndexes))]
    public void EveryResponseKindSurvivesARoundTrip(int index)
    {
        var response = ProtocolSamples.Responses().ElementAt(index);
        var frame = StorageCodec.EncodeResponse((ulong)index + 1, response);

        var decoded = StorageCodec.DecodeResponse(frame, out ulong requestId);

        Assert.Equal((ulong)index + 1, requestId);
        Assert.Equal(response.GetType(), decoded.GetType());
        Assert.Equal(ProtocolSamples.Render(response), ProtocolSamples.Render(decoded));
        Assert.Equal(frame, StorageCodec.EncodeResponse(requestId, decoded));
    }

    [Fact]
    public void FramesOfEverySizeAroundTheBufferSizesAreWhole()
    {
        // Frames whose checksum trailer is the first thing that does not fit the rented buffer (it grows at the
        // last moment): a message of each length from 0 to 5,000 bytes covers every pooled size up to 8 KiB.
        for (int size = 0; size <= 5000; size++)
        {
            var message = new string('x', size);
            var frame = StorageCodec.EncodeResponsePooled(7, new ErrorResponse(StorageStatus.Failed, message, new VolumeEpoch(3)));
            try
            {
                Assert.Equal(StorageCodec.HeaderSize + 1 + 8 + 4 + size + StorageCodec.TrailerSize, frame.Length);
                var decoded = Assert.IsType<ErrorResponse>(StorageCodec.DecodeResponse(frame.Span, out ulong id));
                Assert.Equal((7UL, message), (id, decoded.Message));
            }
            finally
            {
                frame.Return();
            }
        }
    }

    [Fact]
    public void DecodedFieldsCarryTheDataSent()
    {
        var sent = (AppendRequest)ProtocolSamples.Requests().First();
        var got = (AppendRequest)StorageCodec.DecodeRequest(StorageCodec.EncodeRequest(1, sent), out _);

        Assert.Equal(sent.Epoch, got.Epoch);
        Assert.Equal(new Lsn(99), got.DurableLsn);
        Assert.Equal(3, got.Frames.Count);
        Assert.Equal(sent.Frames[0].Records[2].Delta.ToArray(), got.Frames[0].Records[2].Delta.ToArray());
        Assert.Equal(sent.Frames[0].Last, got.Frames[0].Last);
        Assert.Empty(got.Frames[2].Records);

        var map = ((SetMapRequest)StorageCodec.DecodeRequest(StorageCodec.EncodeRequest(2, new SetMapRequest(ProtocolSamples.Map())), out _)).Map;
        Assert.Equal(ProtocolSamples.Map().VolumeId, map.VolumeId);
        Assert.True(map.Groups[1].InTransition);
        Assert.False(map.Groups[0].InTransition);
        Assert.Equal(new NodeId(7), map.Groups[1].Next[5]);
        Assert.True(map.IsVoid(new VolumeEpoch(6), new Lsn(251)));
        Assert.Equal("zone-b-é", map.Nodes[0].Zone);
    }

    [Fact]
    public void FramesHaveTheDocumentedHeaderAndChecksum()
    {
        var frame = StorageCodec.EncodeRequest(0x0102030405060708, new GetMapRequest());

        Assert.Equal(StorageCodec.MinFrameSize, frame.Length);
        Assert.Equal((uint)frame.Length, BinaryPrimitives.ReadUInt32LittleEndian(frame));
        Assert.Equal(2, frame[4]);
        Assert.Equal((byte)StorageMessageKind.GetMapRequest, frame[5]);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(6)));
        Assert.Equal(0x0102030405060708UL, BinaryPrimitives.ReadUInt64LittleEndian(frame.AsSpan(8)));
        Assert.Equal(XxHash64.HashToUInt64(frame.AsSpan(0, 16)), BinaryPrimitives.ReadUInt64LittleEndian(frame.AsSpan(16)));
    }

    [Fact]
    public void EverySingleBitFlipIsRejected()
    {
        foreach (var frame in new[] { StorageCodec.EncodeRequest(77, ProtocolSamples.Requests().First()), StorageCodec.EncodeRequest(78, new SetMapRequest(ProtocolSamples.Map())) })
        {
            for (int bit = 0; bit < frame.Length * 8; bit++)
            {
                var damaged = (byte[])frame.Clone();
                damaged[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.Throws<StorageProtocolException>(() => StorageCodec.DecodeRequest(damaged, out _));
                Assert.False(StorageCodec.TryDecodeRequest(damaged, out _, out _, out var error));
                Assert.False(string.IsNullOrEmpty(error));
            }
        }
    }

    [Fact]
    public void EveryTruncationIsRejectedAndWaitsForMoreData()
    {
        var frame = StorageCodec.EncodeResponse(5, ProtocolSamples.Responses().ElementAt(7));
        for (int length = 0; length < frame.Length; length++)
        {
            var part = frame.AsSpan(0, length).ToArray();
            Assert.Throws<StorageProtocolException>(() => StorageCodec.DecodeResponse(part, out _));
            var sequence = new ReadOnlySequence<byte>(part);
            Assert.Equal(OperationStatus.NeedMoreData, StorageCodec.TryReadFrame(ref sequence, out _));
            Assert.Equal(length, sequence.Length);
        }
        var whole = new ReadOnlySequence<byte>([.. frame, .. frame.AsSpan(0, 3)]);
        Assert.Equal(OperationStatus.Done, StorageCodec.TryReadFrame(ref whole, out var cut));
        Assert.Equal(frame, cut.ToArray());
        Assert.Equal(3, whole.Length);
    }

    [Fact]
    public void ImpossibleLengthsAreInvalidData()
    {
        foreach (uint length in new uint[] { 0, 23, StorageCodec.MaxFrameSize + 1, uint.MaxValue })
        {
            var bytes = new byte[32];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, length);
            var sequence = new ReadOnlySequence<byte>(bytes);
            Assert.Equal(OperationStatus.InvalidData, StorageCodec.TryReadFrame(ref sequence, out _));
        }
    }

    [Fact]
    public void NodeStatsCarryEveryFieldInTheDocumentedLayout()
    {
        var stats = new NodeStatsResponse(new NodeId(6), 3, 17, new FsyncStats(1000, 90_000_000, 1000, 85_000, 120_000, 2_000_000));
        var frame = StorageCodec.EncodeResponse(9, stats);

        Assert.Equal((byte)StorageMessageKind.NodeStatsResponse, frame[5]);
        Assert.Equal(StorageCodec.MinFrameSize + 4 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 8, frame.Length);
        var payload = frame.AsSpan(StorageCodec.HeaderSize);
        Assert.Equal(6, BinaryPrimitives.ReadInt32LittleEndian(payload));
        Assert.Equal(3U, BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]));
        Assert.Equal(17U, BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]));
        Assert.Equal(1000UL, BinaryPrimitives.ReadUInt64LittleEndian(payload[12..]));
        Assert.Equal(2_000_000UL, BinaryPrimitives.ReadUInt64LittleEndian(payload[48..]));
        var decoded = Assert.IsType<NodeStatsResponse>(StorageCodec.DecodeResponse(frame, out _));
        Assert.Equal(stats, decoded);
        Assert.Equal(20U, decoded.QueueDepth);
    }

    [Theory]
    [InlineData(1000UL, 1001U, 1UL, 2UL, 3UL)]
    [InlineData(1000UL, 1000U, 3UL, 2UL, 3UL)]
    [InlineData(1000UL, 1000U, 1UL, 4UL, 3UL)]
    public void NodeStatsOutOfOrderAreRejected(ulong count, uint recent, ulong p50, ulong p99, ulong max)
    {
        var frame = StorageCodec.EncodeResponse(9, new NodeStatsResponse(new NodeId(1), 0, 0, new FsyncStats(count, 5, recent, p50, p99, max)));

        var error = Assert.Throws<StorageProtocolException>(() => StorageCodec.DecodeResponse(frame, out _));
        Assert.Contains("fsync statistics out of order", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARequestSentAsAResponseIsRejected()
    {
        var frame = StorageCodec.EncodeRequest(1, new GetStatusRequest());
        var error = Assert.Throws<StorageProtocolException>(() => StorageCodec.DecodeResponse(frame, out _));
        Assert.Contains("0x07", error.Message, StringComparison.Ordinal);
        Assert.Throws<StorageProtocolException>(() => StorageCodec.DecodeRequest(StorageCodec.EncodeResponse(1, new OkResponse()), out _));
    }

    [Fact]
    public void AMessageLargerThanTheLimitIsRefusedAtEncoding()
    {
        var page = new PageResponse(new Lsn(1), new byte[4096]);
        Assert.Throws<StorageProtocolException>(() => StorageCodec.EncodeResponse(1, page, maxFrameSize: 4096));
        Assert.Equal(4096 + 8 + 4 + StorageCodec.MinFrameSize, StorageCodec.EncodeResponse(1, page, maxFrameSize: 8192).Length);
    }

    [Fact]
    public void RandomInputNeverThrowsAnythingButTheProtocolError()
    {
        var random = new Random(20261124);
        var valid = ProtocolSamples.Requests().Select((r, i) => StorageCodec.EncodeRequest((ulong)i, r))
            .Concat(ProtocolSamples.Responses().Select((r, i) => StorageCodec.EncodeResponse((ulong)i, r))).ToArray();
        int decoded = 0;
        for (int round = 0; round < 30_000; round++)
        {
            byte[] frame;
            switch (round % 3)
            {
                case 0:
                    // Pure noise, sometimes with a plausible header.
                    frame = new byte[random.Next(0, 200)];
                    random.NextBytes(frame);
                    if (frame.Length >= StorageCodec.MinFrameSize && random.Next(2) == 0)
                        Seal(frame, (byte)random.Next(0, 256));
                    break;
                case 1:
                    // A valid frame with a few bytes of its payload changed and the checksum made right again,
                    // so the payload parser itself is fuzzed.
                    frame = (byte[])valid[random.Next(valid.Length)].Clone();
                    int payload = frame.Length - StorageCodec.MinFrameSize;
                    if (payload > 0)
                    {
                        for (int i = random.Next(1, 4); i > 0; i--)
                            frame[StorageCodec.HeaderSize + random.Next(payload)] = (byte)random.Next(256);
                    }
                    Seal(frame, frame[5]);
                    break;
                default:
                    // A valid frame cut or extended, then resealed.
                    var source = valid[random.Next(valid.Length)];
                    int length = Math.Max(StorageCodec.MinFrameSize, source.Length + random.Next(-40, 40));
                    frame = new byte[length];
                    source.AsSpan(0, Math.Min(length, source.Length)).CopyTo(frame);
                    Seal(frame, frame[5]);
                    break;
            }
            try
            {
                if (frame.Length > 5 && frame[5] >= 0x80)
                    StorageCodec.DecodeResponse(frame, out _);
                else
                    StorageCodec.DecodeRequest(frame, out _);
                decoded++;
            }
            catch (StorageProtocolException)
            {
            }
        }
        Assert.True(decoded > 0, "some mutations still decode: the fuzz reaches the payload parsers");
    }

    /// <summary>Makes a frame's length, version, reserved bits and checksum right, with <paramref name="kind"/>.</summary>
    static void Seal(byte[] frame, byte kind)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)frame.Length);
        frame[4] = StorageCodec.ProtocolVersion;
        frame[5] = kind;
        frame[6] = 0;
        frame[7] = 0;
        BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(frame.Length - 8), XxHash64.HashToUInt64(frame.AsSpan(0, frame.Length - 8)));
    }
}
