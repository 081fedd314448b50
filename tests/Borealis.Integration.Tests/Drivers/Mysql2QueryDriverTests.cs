namespace Borealis.Integration.Tests.Drivers;

/// <summary>Node's mysql2 through the driver contract with its client-side escaping (<c>query</c>).</summary>
public sealed class Mysql2QueryDriverTests(Mysql2QueryDriverTests.Report report)
    : DriverContractTests<Mysql2QueryDriverTests.Report>(report), IClassFixture<Mysql2QueryDriverTests.Report>
{
    public sealed class Report() : Mysql2DriverTests.Report("query");
}
