using System.Net.Sockets;
using System.Threading.Channels;

namespace Borealis.Hosting.Replication;

/// <summary>
/// The sending side of one stream connection (a writer's to a replica, the volume service's to a writer): messages are
/// queued without waiting and leave in order, everything queued in one write. A peer that lets more than
/// <see cref="MaxQueuedBytes"/> pile up is too slow: the connection is closed (it reconnects and starts afresh)
/// and <see cref="Failed"/> says why.
/// </summary>
internal class StreamOutbox(NetworkStream stream, string peer)
{
    /// <summary>Bytes queued for one peer before it is dropped as too slow.</summary>
    public const long MaxQueuedBytes = 256L << 20;

    readonly Channel<byte[]> _outbox = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    long _queued;

    public NetworkStream Stream { get; } = stream;

    /// <summary>Why the connection was closed by this side, if it was (too much queued).</summary>
    public string? Failed { get; private set; }

    public void Send(byte[] message)
    {
        if (Interlocked.Add(ref _queued, message.Length) > MaxQueuedBytes)
        {
            Failed = $"more than {MaxQueuedBytes >> 20} MiB of redo queued: the {peer} is too slow";
            Close();
            return;
        }
        _outbox.Writer.TryWrite(message);
    }

    public void Close()
    {
        _outbox.Writer.TryComplete();
        try
        {
            Stream.Socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    /// <summary>How a stream connection ends when its peer goes away, sends garbage or the server stops: logged as a
    /// lost peer, never as a fault.</summary>
    public static bool IsConnectionLoss(Exception ex) =>
        ex is IOException or InvalidDataException or SocketException or OperationCanceledException or ObjectDisposedException;

    public async Task RunSenderAsync(CancellationToken cancellationToken)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(cancellationToken))
            {
                buffer.ResetWrittenCount();
                // Everything queued leaves in one write.
                while (buffer.WrittenCount < 1 << 20 && _outbox.Reader.TryRead(out var message))
                {
                    System.Buffers.BuffersExtensions.Write(buffer, message);
                    Interlocked.Add(ref _queued, -message.Length);
                }
                await Stream.WriteAsync(buffer.WrittenMemory, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Close();
        }
    }
}
