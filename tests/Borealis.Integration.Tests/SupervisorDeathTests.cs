using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Borealis.Testing;

namespace Borealis.Integration.Tests;

/// <summary>
/// If the supervisor of <c>up</c> dies without stopping its children (SIGKILL, a crash), every child stops by itself
/// instead of holding the cluster's ports and data directory with no one left to stop it.
/// </summary>
public sealed class SupervisorDeathTests : BorealisTest
{
    /// <summary>True while <paramref name="pid"/> runs (a zombie waiting to be reaped has stopped).</summary>
    static bool Runs(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) S ...": the state follows the last ')'.
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [Fact]
    public async Task EveryChildStopsWhenTheSupervisorIsKilled()
    {
        await using var cluster = await ClusterProcess.UpAsync(readers: 1);
        try
        {
            using var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(cluster.Data, "cluster.json"), TestToken));
            int supervisor = state.RootElement.GetProperty("supervisorPid").GetInt32();
            var children = state.RootElement.GetProperty("processes").EnumerateArray()
                .Select(p => (Id: p.GetProperty("id").GetString()!, Pid: p.GetProperty("pid").GetInt32()))
                .Where(p => p.Pid > 0)
                .ToList();
            // 6 storage nodes, the router, a writer and a reader.
            Assert.True(children.Count >= 9, $"children: {string.Join(", ", children)}");
            Assert.All(children, c => Assert.True(Runs(c.Pid), $"{c.Id} (pid {c.Pid}) runs before the supervisor dies"));

            using (var process = Process.GetProcessById(supervisor))
                process.Kill(); // SIGKILL: the supervisor gets no chance to stop anyone.

            await Eventually.AssertAsync(() => !Runs(supervisor), TimeSpan.FromSeconds(10), "the supervisor is dead");
            try
            {
                await Eventually.AssertAsync(() => children.All(c => !Runs(c.Pid)), TimeSpan.FromSeconds(30), "every child has stopped");
            }
            catch (TimeoutException ex)
            {
                var running = children.Where(c => Runs(c.Pid)).ToList();
                foreach (var (_, pid) in running)
                {
                    using var orphan = Process.GetProcessById(pid);
                    orphan.Kill();
                }
                throw new TimeoutException($"{ex.Message}; still running (now killed): {string.Join(", ", running)}", ex);
            }
            var log = await File.ReadAllTextAsync(Path.Combine(cluster.Data, "logs", "storage-1.log"), TestToken);
            Assert.Contains($"The supervisor (pid {supervisor.ToString(CultureInfo.InvariantCulture)}) is gone", log, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw LocalClusterCli.WithLogTails(cluster.Data, ex);
        }
    }
}
