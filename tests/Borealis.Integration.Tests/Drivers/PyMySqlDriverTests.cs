namespace Borealis.Integration.Tests.Drivers;

/// <summary>PyMySQL (Debian's python3-pymysql, under /usr/bin/python3) through the driver contract: pymysql_matrix.py.</summary>
public sealed class PyMySqlDriverTests(PyMySqlDriverTests.Report report)
    : DriverContractTests<PyMySqlDriverTests.Report>(report), IClassFixture<PyMySqlDriverTests.Report>
{
    readonly Report _report = report;

    /// <summary>PyMySQL drops the SQLSTATE of an error packet; it raises the PEP 249 class for the error number.</summary>
    protected override bool ExposesSqlState => false;

    [Fact]
    public void ADuplicateKeyRaisesIntegrityError()
    {
        if (_report.SkipReason is { } reason)
            Assert.Skip(reason);
        Assert.Equal("IntegrityError", _report.Root.GetProperty("duplicate").GetProperty("class").GetString());
    }

    public sealed class Report : DriverReport
    {
        protected override string? Unavailable() =>
            Directory.Exists("/usr/lib/python3/dist-packages/pymysql") ? null : "python3-pymysql is not installed (./test.sh installs it)";

        protected override Task<string> RunAsync(InstanceProcess instance) =>
            RunProgramAsync("/usr/bin/python3",
                ["pymysql_matrix.py", TypeMatrix.FixturePath, instance.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), InstanceProcess.Password],
                TypeMatrix.Directory);
    }
}
