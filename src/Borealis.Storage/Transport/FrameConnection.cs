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

    /// <summary>
    /// A blocking write that makes no progress for this long (the peer stopped reading: hung, SIGSTOPped) closes the
    /// connection. The write runs on the node's core thread, so it must not hold every other client of the node for
    /// long; a peer that reads, however slowly, makes progress and is not cut off (the timeout is per send call).
    /// </summary>
    const int BlockingSendTimeoutMs = 1_000;

    readonly Socket _socket;
    readonly FrameHandler _onFrame;
    readonly int _maxFrameSize;
    readonly Channel<EncodedFrame> _outgoing = Channel.CreateUnbounded<EncodedFrame>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    readonly CancellationTokenSource _closing = new();
    readonly string? _receiveThreadName;
    readonly Action? _onReceived;
    readonly bool _blocking;
    readonly Lock _sendLock = new();
    int _closed;

    /// <param name="receiveThreadName">
    /// When given, frames are received on a dedicated thread of that name (blocking reads) instead of the thread
    /// pool. A client whose callers block on answers (the VFS reads pages synchronously) needs it: with the pool
    /// full of blocked callers, an answer that needs a pool thread to arrive waits for the pool to grow (starvation).
    /// </param>
    /// <param name="onReceived">Called after the frames of one read from the socket were handled, before the next read.</param>
    /// <param name="blocking">
    /// With <paramref name="receiveThreadName"/>, for a connected socket (an accepted one): no asynchronous socket
    /// operation ever runs on it, so it stays in blocking mode. <see cref="TrySend"/> then writes on the caller's
    /// thread. (On Linux, .NET turns a socket non-blocking at its first asynchronous operation, and from then on a
    /// blocking receive waits for the runtime's epoll thread to wake it: two thread wake-ups per message.)
    /// </param>
    public FrameConnection(
        Socket socket, FrameHandler onFrame, int maxFrameSize, string? receiveThreadName = null, Action? onReceived = null, bool blocking = false)
    {
        if (blocking && receiveThreadName is null)
            throw new ArgumentException("A blocking connection needs a receive thread.", nameof(blocking));
        _onReceived = onReceived;
        _blocking = blocking;
        _socket = socket;
        _onFrame = onFrame;
        _maxFrameSize = maxFrameSize;
        _receiveThreadName = receiveThreadName;
    }

    /// <summary>Queues a frame; takes ownership of its buffer. False (and the buffer returned) once the connection is closing.</summary>
    public bool TrySend(EncodedFrame frame)
    {
        if (_blocking)
            return SendNow(frame);
        if (_outgoing.Writer.TryWrite(frame))
            return true;
        frame.Return();
        return false;
    }

    /// <summary>Writes the frame on this thread (blocking mode); a failed write closes the connection.</summary>
    bool SendNow(EncodedFrame frame)
    {
        try
        {
            lock (_sendLock)
            {
                if (Volatile.Read(ref _closed) != 0)
                    return false;
                var span = frame.Span;
                while (!span.IsEmpty)
                    span = span[_socket.Send(span)..];
                return true;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Close();
            return false;
        }
        finally
        {
            frame.Return();
        }
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
            if (_blocking)
            {
                // A reader that stops reading must not hold the sender (the node's core) for ever.
                _socket.SendTimeout = BlockingSendTimeoutMs;
                await ReceiveOnThreadAsync(_receiveThreadName!);
            }
            else
            {
                stream = new NetworkStream(_socket, ownsSocket: false);
                // 64 KiB segments: a flush writes each segment with its own sendto, and the default 4 KiB split a batch of
                // appends into several.
                writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
                writing = WriteLoopAsync(writer);
                if (_receiveThreadName is null)
                {
                    reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
                    await ReadLoopAsync(reader);
                }
                else
                {
                    await ReceiveOnThreadAsync(_receiveThreadName);
                }
            }
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
                _onReceived?.Invoke();
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

    /// <summary>Runs <see cref="ReceiveLoop"/> on a new background thread; completes when it ends.</summary>
    Task ReceiveOnThreadAsync(string name)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                ReceiveLoop();
                done.TrySetResult();
            }
#pragma warning disable CA1031 // handed to RunAsync, which reports it as the reason the connection ended
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.TrySetException(ex);
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return done.Task;
    }

    /// <summary>
    /// Blocking receive: fills one buffer from the socket, cuts whole frames from it and hands each to the handler
    /// on this thread. The buffer grows to the largest frame seen; a closed connection (<see cref="Close"/> shuts
    /// the socket down) ends it.
    /// </summary>
    void ReceiveLoop()
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        int start = 0, end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    else
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        Buffer.BlockCopy(buffer, 0, larger, 0, end);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                }
                int received;
                try
                {
                    // A socket that also sends asynchronously is non-blocking, and a blocking Receive on it waits for
                    // the runtime's epoll thread to hand over the data: one more thread wake-up per read. poll(2) on
                    // the socket wakes this thread directly; the Receive after it then finds the data there.
                    if (!_blocking)
                        _socket.Poll(-1, SelectMode.SelectRead);
                    received = _socket.Receive(buffer, end, buffer.Length - end, SocketFlags.None);
                }
                catch (Exception ex) when ((ex is SocketException or ObjectDisposedException) && _closing.IsCancellationRequested)
                {
                    return;
                }
                if (received == 0)
                {
                    if (end > start && !_closing.IsCancellationRequested)
                        throw new EndOfStreamException($"the peer closed the connection inside a frame ({end - start} bytes pending)");
                    return;
                }
                end += received;
                while (true)
                {
                    var pending = new ReadOnlySequence<byte>(buffer, start, end - start);
                    var status = StorageCodec.TryReadFrame(ref pending, out var frame, _maxFrameSize);
                    if (status == OperationStatus.NeedMoreData)
                        break;
                    if (status == OperationStatus.InvalidData)
                        throw new StorageProtocolException("Bad frame length (a frame is 24 bytes to the frame size limit).");
                    _onFrame(frame.FirstSpan);
                    start = end - (int)pending.Length;
                }
                _onReceived?.Invoke();
                if (start == end)
                    start = end = 0;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
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
