using System.Diagnostics;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// A real <c>borealis instance</c> process on 127.0.0.1 and a free port, over a volume in a temporary directory.
/// It can be killed with SIGKILL and restarted on the same volume. Disposing stops it and deletes its files.
/// </summary>
public sealed class InstanceProcess : IAsyncDisposable
{
    public const string Password = "test-Pw-1";

    readonly TempDirectory _dir = new("borealis-instance");
    readonly string _id;
    Process? _process;

    InstanceProcess(string id)
    {
        _id = id;
        Port = FreePort.Next();
    }

    public int Port { get; private set; }

    /// <summary>The instance id (--id, @@aurora_server_id).</summary>
    public string Id => _id;

    public string VolumeDirectory => _dir.Combine("volume");

    public string LogFile => _dir.Combine("instance.log");

    public int Pid => _process?.Id ?? 0;

    public string ConnectionString(string? database = null, bool pooling = false) =>
        TestConnection.String(Port, Password, database, commandTimeout: 60, pooling);

    public static async Task<InstanceProcess> StartAsync(string id = "writer-1")
    {
        var instance = new InstanceProcess(id);
        await instance.StartProcessAsync();
        return instance;
    }

    public async Task<MySqlConnection> OpenAsync(string? database = null)
    {
        var connection = new MySqlConnection(ConnectionString(database));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a power cut of the process.</summary>
    public async Task KillAsync()
    {
        if (_process is null)
            return;
        _process.Kill();
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts the instance again on the same volume (and port, if it is still free).</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        if (!Hosting.PortProbe.IsFree(Port))
            Port = FreePort.Next();
        await StartProcessAsync();
    }

    /// <summary>Stops with SIGTERM (a clean shutdown), waiting for the process to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
            return;
        await Hosting.ProcessControl.TerminateAsync(_process.Id, TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        _process.Dispose();
        _process = null;
    }

    async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$BOREALIS_LOG\" 2>&1 </dev/null");
        start.ArgumentList.Add(BorealisExecutable.Path);
        foreach (var a in new[] { "instance", "--id", _id, "--volume", VolumeDirectory, "--tls", _dir.Combine("tls"), "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cache-mb", "64" })
            start.ArgumentList.Add(a);
        start.Environment["BOREALIS_PASSWORD"] = Password;
        start.Environment["BOREALIS_LOG"] = LogFile;
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start borealis");
        var process = _process;
        await Eventually.AssertAsync(
            async () => process.HasExited
                ? throw new InvalidOperationException($"borealis exited with {process.ExitCode}: {await File.ReadAllTextAsync(LogFile)}")
                : await Hosting.PortProbe.IsListeningAsync("127.0.0.1", Port, TestContext.Current.CancellationToken),
            TimeSpan.FromSeconds(60), "the instance accepts connections");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            try
            {
                await StopAsync();
            }
            catch (OperationCanceledException)
            {
                await KillAsync();
            }
        }
        _dir.Dispose();
    }
}
