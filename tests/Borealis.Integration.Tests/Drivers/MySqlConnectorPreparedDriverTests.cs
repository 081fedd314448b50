namespace Borealis.Integration.Tests.Drivers;

/// <summary>MySqlConnector through the driver contract with server-side prepared statements (binary protocol).</summary>
public sealed class MySqlConnectorPreparedDriverTests(MySqlConnectorPreparedDriverTests.Report report)
    : DriverContractTests<MySqlConnectorPreparedDriverTests.Report>(report), IClassFixture<MySqlConnectorPreparedDriverTests.Report>
{
    public sealed class Report() : MySqlConnectorDriverTests.Report(prepare: true);
}
