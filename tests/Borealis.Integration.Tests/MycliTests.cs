using System.Globalization;
using Borealis.Testing;

namespace Borealis.Integration.Tests;

/// <summary>mycli (Debian's 1.26, on PyMySQL) against a real borealis process.</summary>
public sealed class MycliTests : BorealisTest, IDisposable
{
    const string Mycli = "/usr/bin/mycli";

    /// <summary>mycli's start-up, without a terminal: its own completion refresher (the queries an interactive mycli
    /// sends in the background when it starts) run one after another, failing on any error mycli logs.</summary>
    const string StartupScript = """
        import logging, sys
        from mycli.sqlexecute import SQLExecute
        from mycli.sqlcompleter import SQLCompleter
        from mycli.completion_refresher import CompletionRefresher

        problems = []
        class Collect(logging.Handler):
            def emit(self, record):
                if record.levelno >= logging.WARNING:
                    problems.append(record.getMessage())
        log = logging.getLogger("mycli")
        log.setLevel(logging.DEBUG)
        log.addHandler(Collect())

        port, password, db = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        executor = SQLExecute(db, "admin", password, "127.0.0.1", port, None, "utf8mb4", False, None, None, None, None, None, None)
        completer = SQLCompleter()
        for name, refresher in CompletionRefresher.refreshers.items():
            refresher(completer, executor)
        print("server:", executor.server_info)
        print("databases:", ",".join(sorted(completer.databases)))
        print("columns:", ",".join(sorted(c for c in completer.dbmetadata["tables"][db]["course"] if c != "*")))
        print("users:", ",".join(completer.users))
        for p in problems:
            print("problem:", p)
        sys.exit(1 if problems else 0)
        """;

    readonly TempDirectory _home = new("borealis-mycli");

    public void Dispose() => _home.Dispose();

    Dictionary<string, string> Environment => new() { ["HOME"] = _home.Path, ["LANG"] = "C.UTF-8" };

    [Fact]
    public async Task ExecuteRunsAQueryAndPrintsItsRows()
    {
        Assert.SkipUnless(File.Exists(Mycli), "mycli is not installed (./test.sh installs it with apt-get)");
        await using var instance = await InstanceProcess.StartAsync();
        await CreateCourseAsync(instance);

        var result = await ExternalProcess.RunAsync(Mycli,
            ["-h", "127.0.0.1", "-P", instance.Port.ToString(CultureInfo.InvariantCulture), "-u", "admin", "-p", InstanceProcess.Password,
             "demo", "-e", "SELECT title, minutes FROM course ORDER BY minutes DESC; SELECT COUNT(*) AS n FROM course"],
            environment: Environment, timeout: TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["title\tminutes", "Failover drills\t90", "Zoë's \"quoted\" course\t45", "n", "2"],
            result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("ERROR", await File.ReadAllTextAsync(Path.Combine(_home.Path, ".mycli.log"), TestToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheStartupQueriesSucceedAndFillTheCompletions()
    {
        Assert.SkipUnless(File.Exists(Mycli), "mycli is not installed (./test.sh installs it with apt-get)");
        await using var instance = await InstanceProcess.StartAsync();
        await CreateCourseAsync(instance);

        var result = await ExternalProcess.RunAsync("/usr/bin/python3",
            ["-c", StartupScript, instance.Port.ToString(CultureInfo.InvariantCulture), InstanceProcess.Password, "demo"],
            environment: Environment, timeout: TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            ["server: MySQL 8.0.39", "databases: demo,information_schema,mysql,performance_schema,sys", "columns: id,minutes,title", "users: 'admin'@'%'"],
            lines);
    }

    static async Task CreateCourseAsync(InstanceProcess instance)
    {
        var created = await ExternalProcess.MariaDbAsync(instance.Port, InstanceProcess.Password, ["--skip-ssl", "-e",
            "CREATE DATABASE demo; USE demo; CREATE TABLE course (id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(60), minutes INT); " +
            "INSERT INTO course (title, minutes) VALUES ('Failover drills', 90), ('Zoë''s \"quoted\" course', 45);"]);
        Assert.True(created.ExitCode == 0, created.ToString());
    }
}
