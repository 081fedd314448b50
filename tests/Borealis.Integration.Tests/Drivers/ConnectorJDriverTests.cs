namespace Borealis.Integration.Tests.Drivers;

/// <summary>MariaDB Connector/J (Debian's libmariadb-java, on Java 17) through the driver contract: java/Matrix.java
/// in single-file mode, with Connector/J's client-side prepared statements (its default).</summary>
public sealed class ConnectorJDriverTests(ConnectorJDriverTests.Report report)
    : DriverContractTests<ConnectorJDriverTests.Report>(report), IClassFixture<ConnectorJDriverTests.Report>
{
    /// <summary>The report of Connector/J against a fresh instance; a derived report picks server-side prepared statements.</summary>
    public class Report : DriverReport
    {
        const string Jar = "/usr/share/java/mariadb-java-client.jar";
        readonly string _mode;

        public Report()
            : this("client")
        {
        }

        protected Report(string mode)
        {
            _mode = mode;
        }

        protected override string? Unavailable() =>
            !OnPath("java") ? "java is not installed (./test.sh installs default-jre-headless)"
            : !File.Exists(Jar) ? $"{Jar} is missing (./test.sh installs libmariadb-java)"
            : null;

        protected override Task<string> RunAsync(InstanceProcess instance) =>
            RunProgramAsync("java",
                ["-cp", Jar, "Matrix.java", TypeMatrix.FixturePath, instance.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), InstanceProcess.Password, _mode],
                Path.Combine(TypeMatrix.Directory, "java"));
    }
}
