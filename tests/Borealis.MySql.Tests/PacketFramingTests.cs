using System.Buffers;
using Borealis.MySql.Protocol;
using Borealis.Sql.Errors;

namespace Borealis.MySql.Tests;

public sealed class PacketFramingTests
{
    static byte[] Frame(byte[] payload, byte sequenceId)
    {
        var output = new ArrayBufferWriter<byte>();
        PacketFraming.WritePacket(output, payload, sequenceId);
        return output.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(0xfffffe)]
    [InlineData(0xffffff)]
    [InlineData(0xffffff + 5)]
    [InlineData((2 * 0xffffff) + 1)]
    public void PayloadsRoundTripThroughSplitAndReassembly(int length)
    {
        var payload = new byte[length];
        for (var i = 0; i < payload.Length; i++)
            payload[i] = (byte)(i * 31);
        var framed = Frame(payload, 3);
        var chunks = (length / 0xffffff) + 1;
        Assert.Equal(length + (4 * chunks), framed.Length);

        var buffer = new ReadOnlySequence<byte>(framed);
        Assert.Equal(OperationStatus.Done, PacketFraming.TryReadPacket(ref buffer, 3, int.MaxValue, out var packet));
        using (packet)
        {
            Assert.True(buffer.IsEmpty);
            Assert.Equal((byte)(3 + chunks - 1), packet!.LastSequenceId);
            Assert.True(packet.Payload.SequenceEqual(payload));
        }
    }

    [Fact]
    public void IncompletePacketsNeedMoreData()
    {
        var framed = Frame([1, 2, 3, 4, 5], 0);
        for (var cut = 0; cut < framed.Length; cut++)
        {
            var buffer = new ReadOnlySequence<byte>(framed, 0, cut);
            Assert.Equal(OperationStatus.NeedMoreData, PacketFraming.TryReadPacket(ref buffer, 0, 1024, out _));
            Assert.Equal(cut, buffer.Length);
        }
    }

    [Fact]
    public void AWrongSequenceIdIsOutOfOrder()
    {
        var buffer = new ReadOnlySequence<byte>(Frame([1], 5));
        var ex = Assert.Throws<ProtocolViolationException>(() => PacketFraming.TryReadPacket(ref buffer, 0, 1024, out _));
        Assert.Equal(MySqlErrorCode.NetPacketsOutOfOrder, ex.Error.Code);
    }

    [Fact]
    public void APacketOverTheLimitIsRejectedFromItsHeaderAlone()
    {
        byte[] header = [0xff, 0xff, 0xff, 0];
        var buffer = new ReadOnlySequence<byte>(header);
        var ex = Assert.Throws<ProtocolViolationException>(() => PacketFraming.TryReadPacket(ref buffer, 0, 1024, out _));
        Assert.Equal(MySqlErrorCode.NetPacketTooLarge, ex.Error.Code);
    }

    [Fact]
    public void LengthEncodedIntegersRoundTrip()
    {
        ulong[] values = [0, 250, 251, 0xffff, 0x10000, 0xffffff, 0x1000000, ulong.MaxValue];
        foreach (var value in values)
        {
            var output = new ArrayBufferWriter<byte>();
            new PacketWriter(output).WriteLengthEncodedInteger(value);
            var reader = new PacketReader(output.WrittenSpan);
            Assert.Equal(value, reader.ReadLengthEncodedInteger());
            Assert.True(reader.IsAtEnd);
        }
    }

    [Fact]
    public void ReadingPastTheEndIsMalformed()
    {
        var ex = Assert.Throws<ProtocolViolationException>(() =>
        {
            var reader = new PacketReader([0xfc, 0x01]);
            reader.ReadLengthEncodedInteger();
        });
        Assert.Equal(MySqlErrorCode.MalformedPacket, ex.Error.Code);
    }
}
