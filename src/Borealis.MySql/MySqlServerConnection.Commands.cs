using System.Buffers.Binary;
using System.Text;
using Borealis.MySql.Packets;
using Borealis.MySql.Protocol;
using Borealis.Sql;
using Borealis.Sql.Errors;
using Borealis.Sql.Parsing;
using Borealis.Sql.Results;

namespace Borealis.MySql;

/// <summary>The command phase: one command at a time, each answered before the next is read.</summary>
internal sealed partial class MySqlServerConnection
{
    bool _multiStatements;

    async Task CommandLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using var packet = await ReadPacketAsync(0, cancellationToken);
            if (packet is null)
                return;
            _server.CountCommand();
            Output.SequenceId = (byte)(packet.LastSequenceId + 1);
            if (packet.Length == 0)
                ProtocolViolationException.ThrowMalformed();
            SetActivity((CommandKind)packet.Payload[0], packet);
            bool keepOpen;
            try
            {
                keepOpen = await DispatchAsync(packet, cancellationToken);
            }
            finally
            {
                SetIdle();
            }
            await FlushAsync(cancellationToken);
            if (!keepOpen)
                return;
        }
    }

    /// <summary>Runs one command; false when the connection must close afterwards.</summary>
    async ValueTask<bool> DispatchAsync(Packet packet, CancellationToken cancellationToken)
    {
        try
        {
            var command = (CommandKind)packet.Payload[0];
            switch (command)
            {
                case CommandKind.Quit:
                    return false;
                case CommandKind.Query:
                    _binaryResults = false;
                    await Session.ExecuteAsync(QueryText.Decode(packet.Payload[1..]), _multiStatements, this, cancellationToken);
                    return true;
                case CommandKind.InitDb:
                    Session.UseDatabase(Encoding.UTF8.GetString(packet.Payload[1..]));
                    WriteOk();
                    return true;
                case CommandKind.Ping:
                    WriteOk();
                    return true;
                case CommandKind.FieldList:
                    await FieldListAsync(packet, cancellationToken);
                    return true;
                case CommandKind.Statistics:
                    WriteStatistics();
                    return true;
                case CommandKind.ProcessKill:
                    return ProcessKill(packet);
                case CommandKind.ResetConnection:
                    Session.Reset();
                    _statements.Clear();
                    _binaryResults = false;
                    WriteOk();
                    return true;
                case CommandKind.ChangeUser:
                    return await ChangeUserAsync(packet, cancellationToken);
                case CommandKind.SetOption:
                    SetOption(packet);
                    return true;
                case CommandKind.StatementPrepare:
                    Prepare(packet);
                    return true;
                case CommandKind.StatementExecute:
                    await ExecuteAsync(packet, cancellationToken);
                    return true;
                case CommandKind.StatementSendLongData:
                    SendLongData(packet);
                    return true;
                case CommandKind.StatementClose:
                    CloseStatement(packet);
                    return true;
                case CommandKind.StatementReset:
                    ResetStatement(packet);
                    return true;
                default:
                    throw MySqlErrors.UnknownCommand();
            }
        }
        catch (MySqlErrorException ex)
        {
            WriteError(ex);
            return true;
        }
        catch (Exception ex) when (ex is not ProtocolViolationException && !_transportFailed && !cancellationToken.IsCancellationRequested)
        {
            Log.SessionFault(_server.Logger, Id, ex);
            WriteError(MySqlErrors.Internal(ex.Message));
            return true;
        }
        finally
        {
            _binaryResults = false;
        }
    }

    async ValueTask FieldListAsync(Packet packet, CancellationToken cancellationToken)
    {
        var reader = new PacketReader(packet.Payload[1..]);
        var table = reader.ReadNullTerminatedOrRestString();
        if (table.Length == 0)
            throw MySqlErrors.MalformedPacket();
        var capture = new ColumnCaptureSink();
        await Session.ExecuteAsync($"SELECT * FROM `{table.Replace("`", "``", StringComparison.Ordinal)}` LIMIT 0", false, capture, cancellationToken);
        foreach (var column in capture.Columns)
        {
            var writer = Output.BeginPacket();
            ColumnDefinition41Packet.Write(ref writer, column, forFieldList: true);
            Output.EndPacket();
        }
        WriteEndOfRows(Session.Status);
    }

    /// <summary>COM_CHANGE_USER: authenticate again, then replace the session; a failed login closes the connection.</summary>
    async ValueTask<bool> ChangeUserAsync(Packet packet, CancellationToken cancellationToken)
    {
        var request = ComChangeUserPacket.Read(packet.Payload, _capabilities);
        _user = request.User;
        if (!await AuthenticateAsync(request, cancellationToken))
        {
            Log.AuthenticationFailed(_server.Logger, Id, _user);
            WriteError(MySqlErrors.LoginDenied(_user, _remoteHost, _usedPassword));
            return false;
        }
        var session = _server.CreateSession(new SessionInfo(Id, _user, _remote, request.Database, FoundRows));
        try
        {
            if (request.Database is { } database)
                session.UseDatabase(database);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        var previous = _session;
        _session = session;
        _statements.Clear();
        previous?.Dispose();
        WriteOk();
        return true;
    }

    void WriteStatistics()
    {
        var uptime = _server.Uptime.TotalSeconds;
        var questions = _server.CommandsTotal;
        var perSecond = uptime > 0 ? questions / uptime : 0;
        var text = $"Uptime: {(long)uptime}  Threads: {_server.ConnectionsOpen}  Questions: {questions}  Slow queries: 0  Opens: 0  Flush tables: 0  Open tables: 0  Queries per second avg: {perSecond:0.000}";
        var writer = Output.BeginPacket();
        writer.WriteString(text);
        Output.EndPacket();
    }

    bool ProcessKill(Packet packet)
    {
        if (packet.Length < 5)
            ProtocolViolationException.ThrowMalformed();
        var id = BinaryPrimitives.ReadUInt32LittleEndian(packet.Payload.Slice(1, 4));
        if (id == Id)
        {
            WriteOk();
            return false;
        }
        if (!_server.Kill(id))
            throw MySqlErrors.UnknownThread(id);
        WriteOk();
        return true;
    }

    void SetOption(Packet packet)
    {
        if (packet.Length < 3)
            ProtocolViolationException.ThrowMalformed();
        switch (BinaryPrimitives.ReadUInt16LittleEndian(packet.Payload.Slice(1, 2)))
        {
            case 0:
                _multiStatements = true;
                break;
            case 1:
                _multiStatements = false;
                break;
            default:
                throw MySqlErrors.UnknownCommand();
        }
        WriteEndOfRows(Session.Status);
    }

    /// <summary>Keeps the columns of a result set and drops its rows (COM_FIELD_LIST).</summary>
    sealed class ColumnCaptureSink : IResultSink
    {
        public IReadOnlyList<ColumnDefinition> Columns { get; private set; } = [];

        public ValueTask WriteOkAsync(OkResult result, bool moreResults, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask WriteResultSetAsync(IReadOnlyList<ColumnDefinition> columns, IRowSource rows, bool moreResults, CancellationToken cancellationToken)
        {
            Columns = columns;
            while (rows.Read())
            {
            }
            return ValueTask.CompletedTask;
        }
    }
}
