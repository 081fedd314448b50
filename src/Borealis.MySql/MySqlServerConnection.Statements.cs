using Borealis.MySql.Packets;
using Borealis.MySql.Protocol;
using Borealis.Sql;
using Borealis.Sql.Errors;
using Borealis.Sql.Parsing;
using Borealis.Sql.Results;

namespace Borealis.MySql;

/// <summary>Prepared statements: COM_STMT_PREPARE / EXECUTE / SEND_LONG_DATA / CLOSE / RESET.</summary>
internal sealed partial class MySqlServerConnection
{
    static readonly ColumnDefinition s_parameterDefinition = new()
    {
        Name = "?",
        Type = MySqlColumnType.VarString,
        CharacterSet = CharacterSets.Binary,
        Flags = ColumnFlags.Binary,
    };

    readonly Dictionary<uint, StatementState> _statements = [];
    uint _nextStatementId;

    void Prepare(Packet packet)
    {
        if (_statements.Count >= Options.MaxPreparedStatements)
            throw MySqlErrors.TooManyPreparedStatements(Options.MaxPreparedStatements);
        var sql = QueryText.Decode(packet.Payload[1..]);
        var statement = Session.Prepare(sql);
        var id = ++_nextStatementId;
        _statements[id] = new StatementState(statement);

        var columns = statement.Columns;
        var writer = Output.BeginPacket();
        new ComStmtPrepareOkPacket(id, columns.Count, statement.ParameterCount, Session.WarningCount).Write(ref writer);
        Output.EndPacket();
        if (statement.ParameterCount > 0)
        {
            for (var i = 0; i < statement.ParameterCount; i++)
            {
                writer = Output.BeginPacket();
                ColumnDefinition41Packet.Write(ref writer, s_parameterDefinition);
                Output.EndPacket();
            }
            WriteIntermediateEof();
        }
        if (columns.Count > 0)
        {
            foreach (var column in columns)
            {
                writer = Output.BeginPacket();
                ColumnDefinition41Packet.Write(ref writer, column);
                Output.EndPacket();
            }
            WriteIntermediateEof();
        }
    }

    async ValueTask ExecuteAsync(Packet packet, CancellationToken cancellationToken)
    {
        var id = ComStmtExecutePacket.ReadStatementId(packet.Payload);
        if (!_statements.TryGetValue(id, out var state))
            throw MySqlErrors.UnknownStatementHandler(id, "mysqld_stmt_execute");
        var types = state.ParameterTypes;
        object?[] values;
        try
        {
            values = ComStmtExecutePacket.ReadParameters(packet.Payload, state.Statement.ParameterCount, ref types, state.LongData);
        }
        finally
        {
            state.LongData = null;
        }
        state.ParameterTypes = types;
        _binaryResults = true;
        await Session.ExecutePreparedAsync(state.Statement, values, this, cancellationToken);
    }

    void SendLongData(Packet packet)
    {
        ComStmtSendLongDataPacket.Read(packet.Payload, out var id, out var parameter, out var data);
        if (!_statements.TryGetValue(id, out var state) || parameter >= state.Statement.ParameterCount)
            return; // No reply is allowed; MySQL reports the error at execute time, we drop the data.
        state.LongData ??= [];
        if (!state.LongData.TryGetValue(parameter, out var buffer))
            state.LongData[parameter] = buffer = new MemoryStream();
        if (buffer.Length + data.Length > Options.MaxAllowedPacket)
            ProtocolViolationException.ThrowTooLarge();
        buffer.Write(data);
    }

    void CloseStatement(Packet packet)
    {
        var id = ComStmtExecutePacket.ReadStatementId(packet.Payload);
        if (_statements.Remove(id, out var state))
            Session.ClosePrepared(state.Statement);
    }

    void ResetStatement(Packet packet)
    {
        var id = ComStmtExecutePacket.ReadStatementId(packet.Payload);
        if (!_statements.TryGetValue(id, out var state))
            throw MySqlErrors.UnknownStatementHandler(id, "mysqld_stmt_reset");
        state.LongData = null;
        WriteOk();
    }

    /// <summary>What the connection keeps per prepared statement.</summary>
    sealed class StatementState(PreparedStatement statement)
    {
        public PreparedStatement Statement { get; } = statement;

        /// <summary>Types bound by the last execute with new-params-bound = 1, reused when it is 0.</summary>
        public ParameterType[]? ParameterTypes { get; set; }

        /// <summary>COM_STMT_SEND_LONG_DATA pieces by parameter, until the next execute or reset.</summary>
        public Dictionary<int, MemoryStream>? LongData { get; set; }
    }
}
