using System.Diagnostics;
using System.Globalization;
using Borealis.MySql.Tests.Fakes;
using Borealis.Testing;

namespace Borealis.MySql.Tests;

/// <summary>
/// sysbench (libmariadb's prepared-statement API, the benchmark's path) against the server with a Lua script
/// (skipped where sysbench is not installed).
/// </summary>
public sealed class SysbenchClientTests : BorealisTest, IDisposable
{
    const string Sysbench = "/usr/bin/sysbench";

    const string Script = """
        function thread_init()
          drv = sysbench.sql.driver()
          con = drv:connect()
          echo = con:prepare("SELECT ECHO ?, ?")
          params = { echo:bind_create(sysbench.sql.type.INT), echo:bind_create(sysbench.sql.type.CHAR, 20) }
          echo:bind_param(unpack(params))
          typed = con:prepare("SELECT TYPED")
          insert = con:prepare("INSERT INTO t VALUES (?)")
          value = { insert:bind_create(sysbench.sql.type.BIGINT) }
          insert:bind_param(unpack(value))
        end

        function event()
          params[1]:set(42)
          params[2]:set("abc")
          echo:execute()
          typed:execute()
          value[1]:set(-7)
          insert:execute()
          con:query("SELECT TYPED")
        end

        function thread_done()
          echo:close()
          typed:close()
          insert:close()
          con:disconnect()
        end
        """;

    readonly string _directory = Directory.CreateTempSubdirectory("borealis-sysbench-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task PreparedStatementsThroughLibmariadbRoundTrip()
    {
        Assert.SkipUnless(File.Exists(Sysbench), "sysbench not installed");
        await using var server = await TestServer.StartAsync();
        var script = Path.Combine(_directory, "probe.lua");
        await File.WriteAllTextAsync(script, Script, TestToken);
        var start = new ProcessStartInfo(Sysbench)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var argument in (string[])[script, "--db-driver=mysql", "--mysql-host=127.0.0.1", $"--mysql-port={server.Port.ToString(CultureInfo.InvariantCulture)}",
            "--mysql-user=native", $"--mysql-password={TestServer.Password}", "--mysql-ssl=off", "--mysql-db=test", "--threads=2", "--events=200", "--time=0", "run"])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestToken);
        var error = process.StandardError.ReadToEndAsync(TestToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        timeout.CancelAfter(DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await output}\n{await error}");

        var executions = server.State.Executions.ToArray();
        Assert.Equal(600, executions.Length);
        Assert.All(executions.Where(e => e.Sql == "SELECT ECHO ?, ?"), e => Assert.Equal([42L, "abc"], e.Parameters));
        Assert.All(executions.Where(e => e.Sql.StartsWith("INSERT", StringComparison.Ordinal)), e => Assert.Equal([-7L], e.Parameters));
        await Eventually.AssertAsync(() => server.State.Disposed == 2);
    }
}
