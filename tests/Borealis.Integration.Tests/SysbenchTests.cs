using System.Globalization;
using System.Text.RegularExpressions;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// Every sysbench suite the issue names (Debian's sysbench 1.0.20, mysql driver, server-side prepared statements,
/// 4 threads) against one real borealis process: prepare, a 2-second run, cleanup. Each suite works in its own
/// database; the row counts after prepare and run, and the empty database after cleanup, are checked with SQL.
/// </summary>
public sealed class SysbenchTests(SysbenchTests.Instance instance) : BorealisTest, IClassFixture<SysbenchTests.Instance>
{
    const string Sysbench = "/usr/bin/sysbench";
    const int Threads = 4;
    const int TableSize = 200;

    /// <summary>One instance for the class: its start-up is paid once, not once per suite.</summary>
    public sealed class Instance : IAsyncLifetime
    {
        public InstanceProcess Process { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Process = await InstanceProcess.StartAsync();

        public async ValueTask DisposeAsync() => await Process.DisposeAsync();
    }

    /// <summary>What a suite's run does to the row count.</summary>
    public enum RowsAfterRun
    {
        /// <summary>Reads, updates, or DELETE + INSERT of the same id.</summary>
        Unchanged,

        /// <summary>oltp_insert with auto_inc: one new row per event.</summary>
        OneMorePerEvent,

        /// <summary>oltp_delete: one DELETE of a random id per event.</summary>
        AtMostOneLessPerEvent,

        /// <summary>bulk_insert: one row per event, into empty tables (one per thread).</summary>
        OnePerEventFromEmpty,
    }

    [Theory]
    [InlineData("oltp_read_write", RowsAfterRun.Unchanged)]
    [InlineData("oltp_read_only", RowsAfterRun.Unchanged)]
    [InlineData("oltp_write_only", RowsAfterRun.Unchanged)]
    [InlineData("oltp_point_select", RowsAfterRun.Unchanged)]
    [InlineData("oltp_update_index", RowsAfterRun.Unchanged)]
    [InlineData("oltp_update_non_index", RowsAfterRun.Unchanged)]
    [InlineData("oltp_delete", RowsAfterRun.AtMostOneLessPerEvent)]
    [InlineData("oltp_insert", RowsAfterRun.OneMorePerEvent)]
    [InlineData("select_random_points", RowsAfterRun.Unchanged)]
    [InlineData("select_random_ranges", RowsAfterRun.Unchanged)]
    [InlineData("bulk_insert", RowsAfterRun.OnePerEventFromEmpty)]
    public async Task SuitePreparesRunsAndCleansUpWithoutErrors(string suite, RowsAfterRun rowsAfterRun)
    {
        Assert.SkipUnless(File.Exists(Sysbench), "sysbench is not installed (./test.sh installs it with apt-get)");
        var process = instance.Process;
        string database = "sb_" + suite;
        await using (var connection = await process.OpenAsync())
            await new MySqlCommand($"CREATE DATABASE {database}", connection).ExecuteNonQueryAsync(TestToken);
        // bulk_insert makes one table per thread; the others one table (select_random_* support no more).
        int tables = rowsAfterRun == RowsAfterRun.OnePerEventFromEmpty ? Threads : 1;

        await RunSysbenchAsync(process, suite, database, "prepare");
        long prepared = TableSize * (rowsAfterRun == RowsAfterRun.OnePerEventFromEmpty ? 0 : 1);
        Assert.Equal(Enumerable.Repeat(prepared, tables), await CountRowsAsync(process, database, tables));

        var output = await RunSysbenchAsync(process, suite, database, "run", "--time=2", "--report-interval=0");
        long transactions = Statistic(output, "transactions");
        Assert.True(transactions > 0, output);
        Assert.Equal(0, Statistic(output, "ignored errors"));
        Assert.Equal(0, Statistic(output, "reconnects"));
        var counts = await CountRowsAsync(process, database, tables);
        switch (rowsAfterRun)
        {
            case RowsAfterRun.Unchanged:
                Assert.Equal([TableSize], counts);
                break;
            case RowsAfterRun.OneMorePerEvent:
                Assert.Equal([TableSize + transactions], counts);
                break;
            case RowsAfterRun.AtMostOneLessPerEvent:
                Assert.InRange(counts[0], Math.Max(0L, TableSize - transactions), TableSize - 1L);
                break;
            case RowsAfterRun.OnePerEventFromEmpty:
                Assert.Equal(transactions, counts.Sum());
                break;
        }

        await RunSysbenchAsync(process, suite, database, "cleanup");
        await using (var connection = await process.OpenAsync(database))
        {
            await using var reader = await new MySqlCommand("SHOW TABLES", connection).ExecuteReaderAsync(TestToken);
            Assert.False(await reader.ReadAsync(TestToken), "cleanup left a table behind");
        }
    }

    static async Task<string> RunSysbenchAsync(InstanceProcess process, string suite, string database, string command, params string[] extra)
    {
        string[] arguments =
        [
            suite, "--db-driver=mysql", "--db-ps-mode=auto", "--mysql-host=127.0.0.1",
            $"--mysql-port={process.Port.ToString(CultureInfo.InvariantCulture)}", "--mysql-user=admin",
            $"--mysql-password={InstanceProcess.Password}", "--mysql-ssl=off", $"--mysql-db={database}",
            $"--threads={Threads}", $"--table-size={TableSize}", .. extra, command,
        ];
        var result = await ExternalProcess.RunAsync(Sysbench, arguments, timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"sysbench {suite} {command}: {result}");
        Assert.DoesNotContain("FATAL", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        return result.StandardOutput;
    }

    static async Task<List<long>> CountRowsAsync(InstanceProcess process, string database, int tables)
    {
        var counts = new List<long>();
        await using var connection = await process.OpenAsync(database);
        for (int i = 1; i <= tables; i++)
            counts.Add(Convert.ToInt64(await new MySqlCommand($"SELECT COUNT(*) FROM sbtest{i}", connection).ExecuteScalarAsync(TestToken), CultureInfo.InvariantCulture));
        return counts;
    }

    /// <summary>A counter from sysbench's "SQL statistics" (e.g. "    transactions:   562    (279.13 per sec.)").</summary>
    static long Statistic(string output, string name)
    {
        var match = Regex.Match(output, $@"^\s*{Regex.Escape(name)}:\s+(\d+)", RegexOptions.Multiline);
        Assert.True(match.Success, $"no '{name}' in sysbench's output:\n{output}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
