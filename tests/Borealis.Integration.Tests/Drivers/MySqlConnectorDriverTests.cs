namespace Borealis.Integration.Tests.Drivers;

/// <summary>MySqlConnector through the driver contract, with client-side parameters (its default) or server-side
/// prepared statements (binary protocol).</summary>
public abstract class MySqlConnectorReport(bool prepare) : DriverReport
{
    protected override string? Unavailable() => null;

    protected override Task<string> RunAsync(InstanceProcess instance) =>
        new AdoDriver(new AdoProvider("MySqlConnector",
            () => new MySqlConnector.MySqlConnection(instance.ConnectionString()),
            ex => (((MySqlConnector.MySqlException)ex).Number, ex.SqlState),
            (reader, i) => reader.IsDBNull(i) ? null : ((MySqlConnector.MySqlDataReader)reader).GetMySqlDecimal(i).ToString()), prepare).RunAsync();
}

public sealed class MySqlConnectorTextReport() : MySqlConnectorReport(prepare: false);

public sealed class MySqlConnectorPreparedReport() : MySqlConnectorReport(prepare: true);

public sealed class MySqlConnectorDriverTests(MySqlConnectorTextReport report)
    : DriverContractTests<MySqlConnectorTextReport>(report), IClassFixture<MySqlConnectorTextReport>;

public sealed class MySqlConnectorPreparedDriverTests(MySqlConnectorPreparedReport report)
    : DriverContractTests<MySqlConnectorPreparedReport>(report), IClassFixture<MySqlConnectorPreparedReport>;
