using Borealis.Testing;

namespace Borealis.Integration.Tests;

/// <summary>Aurora's identity through the mariadb client on a real instance: what the AWS wrappers, ProxySQL and
/// MaxScale read to find the instance and its role.</summary>
public sealed class AuroraSqlSurfaceTests : BorealisTest
{
    [Fact]
    public async Task ServerIdVersionAndReplicaHostStatusThroughTheMariaDbClient()
    {
        await using var instance = await InstanceProcess.StartAsync("instance-7");
        var result = await ExternalProcess.MariaDbAsync(instance.Port, InstanceProcess.Password, ["--skip-ssl", "-N", "-e",
            "SELECT @@aurora_server_id; SHOW VARIABLES LIKE 'aurora_version'; SELECT @@innodb_read_only, @@read_only; "
            + "SELECT @@aurora_server_id, server_id FROM information_schema.replica_host_status WHERE session_id = 'MASTER_SESSION_ID';"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["instance-7", "aurora_version\t3.08.0", "0\t0", "instance-7\tinstance-7"], lines);
    }
}
