using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Borealis.MySql.Packets;
using Borealis.MySql.Protocol;
using Borealis.Sql;
using Borealis.Sql.Errors;

namespace Borealis.MySql;

/// <summary>
/// One client connection: Socket → NetworkStream (→ SslStream) → pipes, one loop that reads a command, runs it on
/// the connection's <see cref="ISqlSession"/> and writes the reply. Split by concern: <c>.Handshake.cs</c>,
/// <c>.Commands.cs</c>, <c>.Statements.cs</c>, <c>.Results.cs</c>.
/// </summary>
internal sealed partial class MySqlServerConnection : IDisposable
{
    /// <summary>How long a closing connection keeps reading (and discarding) so that its last ERR is not lost to a reset.</summary>
    static readonly TimeSpan s_lingerTime = TimeSpan.FromSeconds(1);

    readonly MySqlServer _server;
    readonly Socket _socket;
    readonly CancellationTokenSource _aborted = new();
    readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly string _remoteHost;
    readonly string _remote;
    readonly bool _tooMany;
    Stream? _stream;
    PipeReader? _reader;
    PacketOutput? _output;
    ISqlSession? _session;
    CapabilityFlags _capabilities;
    bool _transportFailed;

    public MySqlServerConnection(MySqlServer server, Socket socket, uint id, bool tooMany = false)
    {
        _server = server;
        _tooMany = tooMany;
        _socket = socket;
        Id = id;
        var remote = socket.RemoteEndPoint as IPEndPoint;
        var address = remote?.Address is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : remote?.Address;
        _remoteHost = address?.ToString() ?? "unknown";
        _remote = remote is null ? _remoteHost : $"{_remoteHost}:{remote.Port}";
    }

    public uint Id { get; }

    /// <summary>What SHOW PROCESSLIST shows; written by the connection's loop, read by any thread.</summary>
    sealed record Activity(string Command, long Since, string State, string? Info, string? Database);

    Activity _activity = new("Connect", Environment.TickCount64, "starting", null, null);

    public ProcessInfo Describe()
    {
        var activity = Volatile.Read(ref _activity);
        var user = _session is null ? "unauthenticated user" : _user;
        return new ProcessInfo(Id, user, _remote, activity.Database, activity.Command,
            TimeSpan.FromMilliseconds(Environment.TickCount64 - activity.Since), activity.State, activity.Info);
    }

    void SetActivity(CommandKind command, Packet packet)
    {
        var info = command is CommandKind.Query or CommandKind.StatementPrepare
            ? BinaryValues.Utf8(packet.Payload[1..Math.Min(packet.Length, 1 + 1024)])
            : null;
        var name = command switch
        {
            CommandKind.Query => "Query",
            CommandKind.StatementExecute => "Execute",
            CommandKind.StatementPrepare => "Prepare",
            CommandKind.StatementClose => "Close stmt",
            CommandKind.StatementReset => "Reset stmt",
            CommandKind.StatementSendLongData => "Long Data",
            CommandKind.InitDb => "Init DB",
            CommandKind.FieldList => "Field List",
            CommandKind.Ping => "Ping",
            CommandKind.ChangeUser => "Change user",
            CommandKind.ResetConnection => "Reset Connection",
            CommandKind.ProcessKill => "Kill",
            CommandKind.Statistics => "Statistics",
            CommandKind.Quit => "Quit",
            _ => "Error",
        };
        Volatile.Write(ref _activity, new Activity(name, Environment.TickCount64, "starting", info, _activity.Database));
    }

    void SetIdle() =>
        Volatile.Write(ref _activity, new Activity("Sleep", Environment.TickCount64, "", null, _session?.CurrentDatabase));

    /// <summary>Completes when the connection has closed and its session is disposed.</summary>
#pragma warning disable VSTHRD003 // The task of this connection's own loop, awaited by the server on stop.
    public Task Completion => _done.Task;
#pragma warning restore VSTHRD003

    MySqlServerOptions Options => _server.Options;

    PacketOutput Output => _output ?? throw new InvalidOperationException("No output yet.");

    ISqlSession Session => _session ?? throw new InvalidOperationException("No session yet.");

    bool DeprecateEof => (_capabilities & CapabilityFlags.DeprecateEof) != 0;

    bool FoundRows => (_capabilities & CapabilityFlags.FoundRows) != 0;

    public void Start(CancellationToken stopping) => _ = Task.Run(() => RunAsync(stopping), CancellationToken.None);

    /// <summary>Closes the connection from outside (KILL, server stop); its loop ends and cleans up.</summary>
    public void Abort()
    {
        try
        {
            _aborted.Cancel();
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _aborted.Dispose();
    }

    async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _aborted.Token);
        var cancellationToken = linked.Token;
        var linger = false;
        Log.ConnectionOpened(_server.Logger, Id, _remote);
        try
        {
            if (await HandshakeAsync(cancellationToken))
                await CommandLoopAsync(cancellationToken);
            else
                linger = true;
        }
        catch (ProtocolViolationException ex)
        {
            Log.ProtocolViolation(_server.Logger, Id, ex.InnerException?.InnerException?.Message ?? ex.Message);
            await TrySendFinalErrorAsync(ex.Error);
            linger = true;
        }
        catch (Exception ex) when (IsTransportFailure(ex) || cancellationToken.IsCancellationRequested)
        {
            Log.TransportError(_server.Logger, Id, ex.Message);
        }
#pragma warning disable CA1031 // The connection boundary: nothing may escape and take the server down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ConnectionFault(_server.Logger, Id, ex);
        }
        finally
        {
            await CloseAsync(linger && !cancellationToken.IsCancellationRequested);
        }
    }

    async Task CloseAsync(bool linger)
    {
        try
        {
            if (linger)
                await LingerAsync();
        }
#pragma warning disable CA1031 // Best effort: the peer may already be gone.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        try
        {
            _session?.Dispose();
        }
#pragma warning disable CA1031 // A failing session dispose must not keep the connection's resources alive.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.SessionFault(_server.Logger, Id, ex);
        }
        try
        {
            if (_reader is not null)
                await _reader.CompleteAsync();
            if (_output is not null)
                await _output.CompleteAsync();
            if (_stream is not null)
                await _stream.DisposeAsync();
        }
#pragma warning disable CA1031 // Best effort close of a possibly broken transport.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            Dispose();
            _server.Remove(this);
            _done.TrySetResult();
        }
        Log.ConnectionClosed(_server.Logger, Id);
    }

    /// <summary>After a final ERR: stop sending, then read and drop what the client still sends for a moment.</summary>
    async Task LingerAsync()
    {
        _socket.Shutdown(SocketShutdown.Send);
        using var timeout = new CancellationTokenSource(s_lingerTime);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    async Task TrySendFinalErrorAsync(MySqlErrorException error)
    {
        if (_output is null || _transportFailed)
            return;
        try
        {
            WriteError(error);
            using var timeout = new CancellationTokenSource(s_lingerTime);
            await _output.FlushAsync(timeout.Token);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
        }
    }

    static bool IsTransportFailure(Exception ex) => ex is IOException or SocketException or ObjectDisposedException
        or OperationCanceledException or AuthenticationException;

    /// <summary>Reads the next client packet (first chunk's sequence id <paramref name="sequenceId"/>); null when the client has gone.</summary>
    async ValueTask<Packet?> ReadPacketAsync(byte sequenceId, CancellationToken cancellationToken)
    {
        var reader = _reader ?? throw new InvalidOperationException("No input yet.");
        CancellationTokenSource? stalled = null;
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync(stalled?.Token ?? cancellationToken);
                }
                catch (OperationCanceledException) when (stalled is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
                {
                    throw new ProtocolViolationException(MySqlErrors.NetReadTimeout());
                }
                var buffer = result.Buffer;
                if (PacketFraming.TryReadPacket(ref buffer, sequenceId, Options.MaxAllowedPacket, out var packet) == OperationStatus.Done)
                {
                    reader.AdvanceTo(buffer.Start);
                    return packet;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                    return null;
                if (!buffer.IsEmpty)
                {
                    // In the middle of a packet: the client must keep sending (net_read_timeout, restarted on progress).
                    stalled ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    stalled.CancelAfter(Options.NetReadTimeout);
                }
            }
        }
        finally
        {
            stalled?.Dispose();
        }
    }

    /// <summary>Reads one small packet straight from <paramref name="stream"/>, before the pipes exist (handshake).</summary>
    static async ValueTask<Packet> ReadHandshakePacketAsync(Stream stream, byte sequenceId, CancellationToken cancellationToken)
    {
        const int MaxHandshakePacket = 64 * 1024;
        var header = new byte[PacketFraming.HeaderLength];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var length = header[0] | (header[1] << 8) | (header[2] << 16);
        if (header[3] != sequenceId)
            ProtocolViolationException.ThrowOutOfOrder(sequenceId, header[3]);
        if (length > MaxHandshakePacket)
            ProtocolViolationException.ThrowBadHandshake();
        var array = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            await stream.ReadExactlyAsync(array.AsMemory(0, length), cancellationToken);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(array);
            throw;
        }
        return new Packet(array, length, sequenceId);
    }

    void WriteError(MySqlErrorException error)
    {
        var writer = Output.BeginPacket();
        ErrPacket.Write(ref writer, error);
        Output.EndPacket();
    }

    void WriteOk(ulong affectedRows = 0, ulong lastInsertId = 0, string? info = null, ServerStatus extraStatus = ServerStatus.None)
    {
        var writer = Output.BeginPacket();
        OkPacket.Write(ref writer, affectedRows, lastInsertId, Session.Status | extraStatus, Session.WarningCount, info);
        Output.EndPacket();
    }

    /// <summary>The end of a reply that MySQL ends with EOF: an EOF packet, or with CLIENT_DEPRECATE_EOF an OK with header 0xFE.</summary>
    void WriteEndOfRows(ServerStatus status)
    {
        var writer = Output.BeginPacket();
        if (DeprecateEof)
            OkPacket.Write(ref writer, 0, 0, status, Session.WarningCount, "", endOfResultSet: true);
        else
            EofPacket.Write(ref writer, status, Session.WarningCount);
        Output.EndPacket();
    }

    /// <summary>The EOF between column definitions and rows, sent only without CLIENT_DEPRECATE_EOF.</summary>
    void WriteIntermediateEof()
    {
        if (DeprecateEof)
            return;
        var writer = Output.BeginPacket();
        EofPacket.Write(ref writer, Session.Status, Session.WarningCount);
        Output.EndPacket();
    }

    async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Output.FlushAsync(cancellationToken);
        }
        catch
        {
            _transportFailed = true;
            throw;
        }
    }
}
