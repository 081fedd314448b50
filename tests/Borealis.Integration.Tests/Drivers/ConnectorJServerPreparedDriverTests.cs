namespace Borealis.Integration.Tests.Drivers;

/// <summary>MariaDB Connector/J through the driver contract with server-side prepared statements (useServerPrepStmts).</summary>
public sealed class ConnectorJServerPreparedDriverTests(ConnectorJServerPreparedDriverTests.Report report)
    : DriverContractTests<ConnectorJServerPreparedDriverTests.Report>(report), IClassFixture<ConnectorJServerPreparedDriverTests.Report>
{
    public sealed class Report() : ConnectorJDriverTests.Report("server");
}
