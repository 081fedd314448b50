namespace Borealis.Integration.Tests.Drivers;

/// <summary>MySql.Data through the driver contract with server-side prepared statements.</summary>
public sealed class MySqlDataPreparedDriverTests(MySqlDataPreparedDriverTests.Report report)
    : DriverContractTests<MySqlDataPreparedDriverTests.Report>(report), IClassFixture<MySqlDataPreparedDriverTests.Report>
{
    /// <summary>As <see cref="MySqlDataDriverTests"/>: MySql.Data drops the SQLSTATE.</summary>
    protected override bool ExposesSqlState => false;

    public sealed class Report() : MySqlDataDriverTests.Report(prepare: true);
}
