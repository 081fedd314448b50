using System.Buffers;
using System.IO.Pipelines;

namespace Borealis.MySql.Protocol;

/// <summary>
/// The server's side of one connection's output: payloads are built in a reusable scratch buffer
/// (<see cref="BeginPacket"/>), then framed into the pipe (<see cref="EndPacket"/>) with the running sequence id.
/// Nothing reaches the socket before <see cref="FlushAsync"/>.
/// </summary>
internal sealed class PacketOutput
{
    const int ShrinkAbove = 1 << 20;

    /// <summary>Flush in the middle of a result set once this much is buffered, so memory stays bounded.</summary>
    public const int FlushThreshold = 256 * 1024;

    /// <summary>
    /// Options of the pipe under a connection's output. A flush writes each of the pipe's segments with its own
    /// write (one sendto, or one TLS record), so segments of 64 KiB (not the default 4 KiB) send a typical reply in
    /// one system call; the segments go back to the shared pool after each flush, so an idle connection holds none.
    /// </summary>
    public static readonly StreamPipeWriterOptions WriterOptions = new(minimumBufferSize: 64 * 1024, leaveOpen: true);

    ArrayBufferWriter<byte> _scratch = new(4096);
    PipeWriter _writer;

    public PacketOutput(PipeWriter writer) => _writer = writer;

    public byte SequenceId { get; set; }

    public long UnflushedBytes => _writer.CanGetUnflushedBytes ? _writer.UnflushedBytes : 0;

    /// <summary>Switches to a new transport (after the TLS upgrade); the old writer must have been flushed.</summary>
    public void Replace(PipeWriter writer) => _writer = writer;

    public PacketWriter BeginPacket()
    {
        _scratch.ResetWrittenCount();
        return new PacketWriter(_scratch);
    }

    public void EndPacket()
    {
        SequenceId = PacketFraming.WritePacket(_writer, _scratch.WrittenSpan, SequenceId);
        if (_scratch.Capacity > ShrinkAbove)
            _scratch = new ArrayBufferWriter<byte>(4096);
        else
            _scratch.ResetWrittenCount();
    }

    /// <summary>Writes <paramref name="payload"/> as one packet, bypassing the scratch buffer.</summary>
    public void WritePacket(ReadOnlySpan<byte> payload) =>
        SequenceId = PacketFraming.WritePacket(_writer, payload, SequenceId);

    /// <summary>Returns the pipe's buffers; nothing more can be written.</summary>
    public ValueTask CompleteAsync() => _writer.CompleteAsync();

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _writer.FlushAsync(cancellationToken);
        if (result.IsCompleted || result.IsCanceled)
            throw new IOException("The connection was closed while a reply was being sent.");
    }
}
