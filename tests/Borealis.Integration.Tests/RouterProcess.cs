using System.Diagnostics;
using System.Globalization;
using Borealis.Testing;

namespace Borealis.Integration.Tests;

/// <summary>
/// A real <c>borealis router</c> process on two free ports of 127.0.0.1, reading its endpoints from a file that the
/// test rewrites (atomically) to move roles. Disposing stops it with SIGTERM and checks that it exits 0.
/// </summary>
public sealed class RouterProcess : IAsyncDisposable
{
    readonly TempDirectory _dir = new("borealis-router");
    Process? _process;

    RouterProcess()
    {
        ClusterPort = FreePort.Next();
        ReaderPort = FreePort.Next();
    }

    public int ClusterPort { get; }

    public int ReaderPort { get; }

    public string EndpointsFile => _dir.Combine("endpoints.json");

    public string LogFile => _dir.Combine("router.log");

    /// <summary>Starts a router whose endpoints file first names <paramref name="writer"/> and <paramref name="readers"/>.</summary>
    public static async Task<RouterProcess> StartAsync(InstanceProcess writer, params InstanceProcess[] readers)
    {
        var router = new RouterProcess();
        await router.SetEndpointsAsync(1, writer, readers);
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$BOREALIS_LOG\" 2>&1 </dev/null");
        start.ArgumentList.Add(BorealisExecutable.Path);
        foreach (var a in new[] { "router", "--endpoints-file", router.EndpointsFile, "--port", P(router.ClusterPort), "--reader-port", P(router.ReaderPort) })
            start.ArgumentList.Add(a);
        start.Environment["BOREALIS_LOG"] = router.LogFile;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start borealis router");
        router._process = process;
        await Eventually.AssertAsync(
            async () => process.HasExited
                ? throw new InvalidOperationException($"borealis router exited with {process.ExitCode}: {await File.ReadAllTextAsync(router.LogFile)}")
                : (await File.ReadAllTextAsync(router.LogFile)).Contains("ready: router", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the router is ready");
        return router;
    }

    /// <summary>Replaces the endpoints file (write aside, rename), as the control plane's answer would change.</summary>
    public async Task SetEndpointsAsync(long version, InstanceProcess? writer, params InstanceProcess[] readers)
    {
        static string Entry(InstanceProcess i) => $$"""{"id":"{{i.Id}}","host":"127.0.0.1","port":{{P(i.Port)}}}""";
        var json = $$"""{"version":{{P(version)}},"writer":{{(writer is null ? "null" : Entry(writer))}},"readers":[{{string.Join(",", readers.Select(Entry))}}]}""";
        var temp = EndpointsFile + ".tmp";
        await File.WriteAllTextAsync(temp, json, TestContext.Current.CancellationToken);
        File.Move(temp, EndpointsFile, overwrite: true);
    }

    static string P(long value) => value.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await Hosting.ProcessControl.TerminateAsync(_process.Id, TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
            await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
            int exit = _process.ExitCode;
            _process.Dispose();
            _process = null;
            Assert.True(exit == 0, $"the router exits 0 on SIGTERM (got {exit}): {await File.ReadAllTextAsync(LogFile)}");
        }
        _dir.Dispose();
    }
}
