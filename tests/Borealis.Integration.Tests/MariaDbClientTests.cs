using Borealis.Testing;

namespace Borealis.Integration.Tests;

/// <summary>The demo sequence through the mariadb command-line client, against a real borealis process.</summary>
public sealed class MariaDbClientTests : BorealisTest
{
    const string CreateCourse =
        "CREATE TABLE course (title VARCHAR(40), instructor VARCHAR(40), duration INT, created DATE, url VARCHAR(256))";

    [Fact]
    public async Task DemoSequenceWithDashEWorks()
    {
        await using var instance = await InstanceProcess.StartAsync();

        var created = await ExternalProcess.MariaDbAsync(instance.Port, InstanceProcess.Password, ["--skip-ssl", "-e",
            $"CREATE DATABASE demo; USE demo; {CreateCourse}; " +
            "INSERT INTO course VALUES ('Aurora basics', 'Ada', 90, '2026-01-15', 'https://example.com/a'), " +
            "('Failover drills', 'Grace', 45, '2026-02-01', 'https://example.com/b');"]);
        Assert.True(created.ExitCode == 0, created.ToString());

        var rows = await ExternalProcess.MariaDbAsync(instance.Port, InstanceProcess.Password, ["--skip-ssl", "demo", "-e",
            "SELECT title, duration, created FROM course ORDER BY title; SELECT COUNT(*) FROM course;"]);
        Assert.True(rows.ExitCode == 0, rows.ToString());
        var lines = rows.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            ["title\tduration\tcreated", "Aurora basics\t90\t2026-01-15", "Failover drills\t45\t2026-02-01", "COUNT(*)", "2"],
            lines);
    }

    [Fact]
    public async Task APipedScriptRunsAndReportsErrorsWithMySqlCodes()
    {
        await using var instance = await InstanceProcess.StartAsync();
        var script = $"""
            CREATE DATABASE demo;
            USE demo;
            {CreateCourse};
            INSERT INTO course (title, instructor, duration, created, url) VALUES ('Backtrack', 'Linus', 30, '2026-03-03', NULL);
            INSERT INTO course (title, instructor, duration, created, url) VALUES ('PITR', 'Barbara', 60, '2026-03-04', NULL);
            SELECT instructor, created FROM course WHERE title = 'pitr';
            SELECT COUNT(*) AS n FROM course;
            """;
        var result = await ExternalProcess.MariaDbAsync(instance.Port, InstanceProcess.Password, ["--skip-ssl"], script);
        Assert.True(result.ExitCode == 0, result.ToString());
        // Case-insensitive comparison, as MySQL's default collation.
        Assert.Contains("Barbara\t2026-03-04", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("n\n2", result.StandardOutput, StringComparison.Ordinal);

        var missing = await ExternalProcess.MariaDbAsync(instance.Port, InstanceProcess.Password, ["--skip-ssl", "demo", "-e", "SELECT * FROM nope"]);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("ERROR 1146 (42S02)", missing.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsConnectionsWork()
    {
        await using var instance = await InstanceProcess.StartAsync();
        var result = await ExternalProcess.MariaDbAsync(instance.Port, InstanceProcess.Password, ["--ssl", "-e", "SELECT 1+1"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("2", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedWith1045()
    {
        await using var instance = await InstanceProcess.StartAsync();
        var result = await ExternalProcess.MariaDbAsync(instance.Port, "wrong", ["--skip-ssl", "-e", "SELECT 1"]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("ERROR 1045 (28000)", result.StandardError, StringComparison.Ordinal);
    }
}
