using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Transport;

/// <summary>Handles one whole frame, contiguous; may throw <see cref="StorageProtocolException"/> to close the connection.</summary>
internal delegate void FrameHandler(ReadOnlySpan<byte> frame);

/// <summary>
/// One TCP connection carrying storage protocol frames, used by both ends: Socket → NetworkStream → pipes, a read
/// loop that cuts frames and hands them to a <see cref="FrameHandler"/>, and a write loop that drains a queue of
/// encoded frames and flushes when the queue is empty (so replies produced together leave in one write).
/// Frames can be queued before the connection is established (the client connects inside <see cref="RunAsync"/>).
/// </summary>
#pragma warning disable CA1001 // _closing is disposed when RunAsync ends: the connection's life is that call.
internal sealed class FrameConnection
#pragma warning restore CA1001
{
    /// <summary>Flush at least this often while a burst keeps the queue non-empty.</summary>
    const int FlushThreshold = 256 * 1024;

    readonly Socket _socket;
    readonly FrameHandler _onFrame;
    readonly int _maxFrameSize;
    readonly Channel<EncodedFrame> _outgoing = Channel.CreateUnbounded<EncodedFrame>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    readonly CancellationTokenSource _closing = new();
    int _closed;

    public FrameConnection(Socket socket, FrameHandler onFrame, int maxFrameSize)
    {
        _socket = socket;
        _onFrame = onFrame;
        _maxFrameSize = maxFrameSize;
    }

    /// <summary>Queues a frame; takes ownership of its buffer. False (and the buffer returned) once the connection is closing.</summary>
    public bool TrySend(EncodedFrame frame)
    {
        if (_outgoing.Writer.TryWrite(frame))
            return true;
        frame.Return();
        return false;
    }

    /// <summary>Closes the connection from outside; <see cref="RunAsync"/> then ends.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        _outgoing.Writer.TryComplete();
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Connects first when <paramref name="connectTo"/> is given, then runs both loops until either ends.
    /// Returns why the connection ended (null: closed in an orderly way); never throws.
    /// </summary>
    public async Task<Exception?> RunAsync(EndPoint? connectTo, TimeSpan connectTimeout, Action? onConnected)
    {
        Exception? failure = null;
        Stream? stream = null;
        PipeReader? reader = null;
        PipeWriter? writer = null;
        Task<Exception?>? writing = null;
        try
        {
            if (connectTo is not null)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
                timeout.CancelAfter(connectTimeout);
                try
                {
                    await _socket.ConnectAsync(connectTo, timeout.Token);
                }
                catch (OperationCanceledException) when (!_closing.IsCancellationRequested)
                {
                    throw new TimeoutException($"connect did not complete within {connectTimeout.TotalMilliseconds:0} ms");
                }
                onConnected?.Invoke();
            }
            _socket.NoDelay = true;
            stream = new NetworkStream(_socket, ownsSocket: false);
            reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
            writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
            writing = WriteLoopAsync(writer);
            await ReadLoopAsync(reader);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // The connection boundary: every failure ends this connection only and is reported to its owner.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }
        Close();
        if (writing is not null)
        {
            var writeFailure = await writing;
            failure ??= writeFailure;
        }
        while (_outgoing.Reader.TryRead(out var frame))
            frame.Return();
        try
        {
            if (reader is not null)
                await reader.CompleteAsync();
            if (writer is not null)
                await writer.CompleteAsync();
            if (stream is not null)
                await stream.DisposeAsync();
        }
#pragma warning disable CA1031 // Best effort close of a possibly broken transport.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        _socket.Dispose();
        _closing.Dispose();
        return failure;
    }

    async Task ReadLoopAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync(_closing.Token);
            var buffer = result.Buffer;
            try
            {
                while (true)
                {
                    var status = StorageCodec.TryReadFrame(ref buffer, out var frame, _maxFrameSize);
                    if (status == OperationStatus.NeedMoreData)
                        break;
                    if (status == OperationStatus.InvalidData)
                        throw new StorageProtocolException("Bad frame length (a frame is 24 bytes to the frame size limit).");
                    Dispatch(frame);
                }
                if (result.IsCompleted || result.IsCanceled)
                {
                    if (buffer.Length > 0)
                        throw new EndOfStreamException($"the peer closed the connection inside a frame ({buffer.Length} bytes pending)");
                    return;
                }
            }
            finally
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    void Dispatch(ReadOnlySequence<byte> frame)
    {
        if (frame.IsSingleSegment)
        {
            _onFrame(frame.FirstSpan);
            return;
        }
        int length = (int)frame.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            frame.CopyTo(rented);
            _onFrame(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    async Task<Exception?> WriteLoopAsync(PipeWriter writer)
    {
        var queue = _outgoing.Reader;
        try
        {
            while (await queue.WaitToReadAsync(_closing.Token))
            {
                long unflushed = 0;
                while (queue.TryRead(out var frame))
                {
                    try
                    {
                        writer.Write(frame.Span);
                        unflushed += frame.Length;
                    }
                    finally
                    {
                        frame.Return();
                    }
                    if (unflushed >= FlushThreshold)
                    {
                        await writer.FlushAsync(_closing.Token);
                        unflushed = 0;
                    }
                }
                var flushed = await writer.FlushAsync(_closing.Token);
                if (flushed.IsCompleted)
                    break;
            }
            return null;
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            return null;
        }
#pragma warning disable CA1031 // A failed write ends the connection; the reason goes to the owner.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Close();
            return ex;
        }
    }
}
