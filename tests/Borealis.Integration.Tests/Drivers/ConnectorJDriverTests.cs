namespace Borealis.Integration.Tests.Drivers;

/// <summary>MariaDB Connector/J (Debian's libmariadb-java, on Java 17) through the driver contract: java/Matrix.java
/// in single-file mode, with server-side prepared statements or Connector/J's client-side ones (its default).</summary>
public abstract class ConnectorJReport(string mode) : DriverReport
{
    const string Jar = "/usr/share/java/mariadb-java-client.jar";

    protected override string? Unavailable() =>
        !OnPath("java") ? "java is not installed (./test.sh installs default-jre-headless)"
        : !File.Exists(Jar) ? $"{Jar} is missing (./test.sh installs libmariadb-java)"
        : null;

    protected override Task<string> RunAsync(InstanceProcess instance) =>
        RunProgramAsync("java",
            ["-cp", Jar, "Matrix.java", TypeMatrix.FixturePath, instance.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), InstanceProcess.Password, mode],
            Path.Combine(TypeMatrix.Directory, "java"));
}

public sealed class ConnectorJServerPreparedReport() : ConnectorJReport("server");

public sealed class ConnectorJClientPreparedReport() : ConnectorJReport("client");

public sealed class ConnectorJDriverTests(ConnectorJClientPreparedReport report)
    : DriverContractTests<ConnectorJClientPreparedReport>(report), IClassFixture<ConnectorJClientPreparedReport>;

public sealed class ConnectorJServerPreparedDriverTests(ConnectorJServerPreparedReport report)
    : DriverContractTests<ConnectorJServerPreparedReport>(report), IClassFixture<ConnectorJServerPreparedReport>;
