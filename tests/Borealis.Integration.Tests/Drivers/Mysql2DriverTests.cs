namespace Borealis.Integration.Tests.Drivers;

/// <summary>Node's mysql2 (npm, pinned in Drivers/node/package-lock.json; ./test.sh runs npm ci) through the driver
/// contract: node/matrix.js with server-side prepared statements (<c>execute</c>).</summary>
public sealed class Mysql2DriverTests(Mysql2DriverTests.Report report)
    : DriverContractTests<Mysql2DriverTests.Report>(report), IClassFixture<Mysql2DriverTests.Report>
{
    /// <summary>The report of mysql2 against a fresh instance; a derived report picks client-side escaping (query).</summary>
    public class Report : DriverReport
    {
        readonly string _mode;
        public Report()
            : this("execute")
        {
        }

        protected Report(string mode)
        {
            _mode = mode;
        }

        static string NodeDirectory => Path.Combine(TypeMatrix.Directory, "node");

        protected override string? Unavailable() =>
            !OnPath("node") ? "node is not installed (./test.sh installs nodejs)"
            : !Directory.Exists(Path.Combine(NodeDirectory, "node_modules", "mysql2")) ? $"mysql2 is not installed in {NodeDirectory} (./test.sh runs npm ci there)"
            : null;

        protected override Task<string> RunAsync(InstanceProcess instance) =>
            RunProgramAsync("node",
                ["matrix.js", TypeMatrix.FixturePath, instance.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), InstanceProcess.Password, _mode],
                NodeDirectory);
    }
}
