namespace Borealis.Integration.Tests.Drivers;

/// <summary>Node's mysql2 (npm, pinned in Drivers/node/package-lock.json; ./test.sh runs npm ci) through the driver
/// contract: node/matrix.js, with server-side prepared statements (execute) or client-side escaping (query).</summary>
public abstract class Mysql2Report(string mode) : DriverReport
{
    static string NodeDirectory => Path.Combine(TypeMatrix.Directory, "node");

    protected override string? Unavailable() =>
        !OnPath("node") ? "node is not installed (./test.sh installs nodejs)"
        : !Directory.Exists(Path.Combine(NodeDirectory, "node_modules", "mysql2")) ? $"mysql2 is not installed in {NodeDirectory} (./test.sh runs npm ci there)"
        : null;

    protected override Task<string> RunAsync(InstanceProcess instance) =>
        RunProgramAsync("node",
            ["matrix.js", TypeMatrix.FixturePath, instance.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), InstanceProcess.Password, mode],
            NodeDirectory);
}

public sealed class Mysql2ExecuteReport() : Mysql2Report("execute");

public sealed class Mysql2QueryReport() : Mysql2Report("query");

public sealed class Mysql2DriverTests(Mysql2ExecuteReport report)
    : DriverContractTests<Mysql2ExecuteReport>(report), IClassFixture<Mysql2ExecuteReport>;

public sealed class Mysql2QueryDriverTests(Mysql2QueryReport report)
    : DriverContractTests<Mysql2QueryReport>(report), IClassFixture<Mysql2QueryReport>;
