namespace Borealis.Sql.Errors;

/// <summary>
/// The one factory of MySQL error messages, worded as MySQL 8.0 words them so that clients and people see what
/// they would see on MySQL. Add a method here rather than writing a message at the throw site.
/// </summary>
public static partial class MySqlErrors
{
    public static MySqlErrorException AccessDenied(string user, string host, bool usingPassword) =>
        new(MySqlErrorCode.AccessDenied, $"Access denied for user '{user}'@'{host}' (using password: {(usingPassword ? "YES" : "NO")})");

    public static MySqlErrorException NoDatabaseSelected() =>
        new(MySqlErrorCode.NoDbError, "No database selected");

    public static MySqlErrorException UnknownDatabase(string name) =>
        new(MySqlErrorCode.BadDbError, $"Unknown database '{name}'");

    public static MySqlErrorException DatabaseExists(string name) =>
        new(MySqlErrorCode.DbCreateExists, $"Can't create database '{name}'; database exists");

    public static MySqlErrorException TableExists(string name) =>
        new(MySqlErrorCode.TableExists, $"Table '{name}' already exists");

    public static MySqlErrorException UnknownTable(string qualifiedName) =>
        new(MySqlErrorCode.BadTableError, $"Unknown table '{qualifiedName}'");

    public static MySqlErrorException NoSuchTable(string schema, string table) =>
        new(MySqlErrorCode.NoSuchTable, $"Table '{schema}.{table}' doesn't exist");

    public static MySqlErrorException UnknownColumn(string column, string where) =>
        new(MySqlErrorCode.BadFieldError, $"Unknown column '{column}' in '{where}'");

    public static MySqlErrorException DuplicateEntry(string value, string key) =>
        new(MySqlErrorCode.DupEntry, $"Duplicate entry '{value}' for key '{key}'");

    /// <summary>1064, with MySQL's "near '...' at line N" tail.</summary>
    public static MySqlErrorException Syntax(string near, int line) =>
        new(MySqlErrorCode.ParseError,
            $"You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '{near}' at line {line}");

    public static MySqlErrorException EmptyQuery() =>
        new(MySqlErrorCode.EmptyQuery, "Query was empty");

    public static MySqlErrorException NotSupportedYet(string what) =>
        new(MySqlErrorCode.NotSupportedYet, $"This version of MySQL doesn't yet support '{what}'");

    public static MySqlErrorException OutOfRange(string column, long row) =>
        new(MySqlErrorCode.WarnDataOutOfRange, $"Out of range value for column '{column}' at row {row}");

    /// <summary>ER_DATA_OUT_OF_RANGE (1690): "BIGINT value is out of range in '…'".</summary>
    public static MySqlErrorException ValueOutOfRange(string type, string expression) =>
        new(MySqlErrorCode.DataOutOfRange, $"{type} value is out of range in '{expression}'");

    /// <summary>ER_WRONG_VALUE_FOR_TYPE (1411): "Incorrect string value: '…' for function uuid_to_bin".</summary>
    public static MySqlErrorException WrongValueForFunction(string type, string value, string function) =>
        new(MySqlErrorCode.WrongValueForType, $"Incorrect {type} value: '{value}' for function {function}");

    public static MySqlErrorException DataTooLong(string column, long row) =>
        new(MySqlErrorCode.DataTooLong, $"Data too long for column '{column}' at row {row}") { Value = (column, row) };

    public static MySqlErrorException IncorrectValue(string type, string value, string column, long row) =>
        new(MySqlErrorCode.TruncatedWrongValue, $"Incorrect {type} value: '{value}' for column '{column}' at row {row}");

    public static MySqlErrorException LockWaitTimeout() =>
        new(MySqlErrorCode.LockWaitTimeout, "Lock wait timeout exceeded; try restarting transaction");

    /// <summary>ER_ERROR_DURING_COMMIT (1180): the COMMIT did not commit.</summary>
    public static MySqlErrorException ErrorDuringCommit(string why) =>
        new(MySqlErrorCode.ErrorDuringCommit, $"Got error 1 - '{why}' during COMMIT");

    public static MySqlErrorException Deadlock() =>
        new(MySqlErrorCode.LockDeadlock, "Deadlock found when trying to get lock; try restarting transaction");

    public static MySqlErrorException ReadOnly() =>
        new(MySqlErrorCode.OptionPreventsStatement, "The MySQL server is running with the --read-only option so it cannot execute this statement");

    public static MySqlErrorException UnknownCommand() =>
        new(MySqlErrorCode.UnknownComError, "Unknown command");

    public static MySqlErrorException PacketsOutOfOrder() =>
        new(MySqlErrorCode.NetPacketsOutOfOrder, "Got packets out of order");

    public static MySqlErrorException PacketTooLarge() =>
        new(MySqlErrorCode.NetPacketTooLarge, "Got a packet bigger than 'max_allowed_packet' bytes");

    public static MySqlErrorException MalformedPacket() =>
        new(MySqlErrorCode.MalformedPacket, "Malformed communication packet.");

    public static MySqlErrorException UnknownStatementHandler(uint id, string where) =>
        new(MySqlErrorCode.UnknownStmtHandler, $"Unknown prepared statement handler ({id}) given to {where}");

    /// <summary>1243 for a name of an SQL-level prepared statement (EXECUTE, DEALLOCATE PREPARE).</summary>
    public static MySqlErrorException UnknownStatementHandler(string name, string where) =>
        new(MySqlErrorCode.UnknownStmtHandler, $"Unknown prepared statement handler ({name}) given to {where}");

    public static MySqlErrorException UnsupportedPs() =>
        new(MySqlErrorCode.UnsupportedPs, "This command is not supported in the prepared statement protocol yet");

    public static MySqlErrorException Internal(string message) =>
        new(MySqlErrorCode.UnknownError, message);
}
