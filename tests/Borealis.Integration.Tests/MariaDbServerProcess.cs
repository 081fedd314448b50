using System.Diagnostics;
using System.Globalization;
using Borealis.Testing;
using MySqlConnector;

namespace Borealis.Integration.Tests;

/// <summary>
/// A MariaDB server (Debian's mariadb-server) started for a test: a fresh data directory from mariadb-install-db in
/// a temporary directory, 127.0.0.1 on a free port, its socket in that directory, no grant tables (any user, no
/// password), and MySQL 8.0's default sql_mode. Disposing stops it (SIGTERM) and deletes its files.
/// </summary>
public sealed class MariaDbServerProcess : IAsyncDisposable
{
    public const string Server = "/usr/sbin/mariadbd";
    public const string InstallDb = "/usr/bin/mariadb-install-db";

    /// <summary>MySQL 8.0's default sql_mode, so that both servers judge values by the same rules.</summary>
    const string MySql8SqlMode = "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";

    readonly TempDirectory _dir = new("borealis-mariadb");
    Process? _process;

    MariaDbServerProcess() => Port = FreePort.Next();

    public int Port { get; }

    public string DataDirectory => _dir.Combine("data");

    public string ErrorLog => _dir.Combine("error.log");

    public string ConnectionString(string? database = null) =>
        new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = (uint)Port,
            UserID = "root",
            Database = database ?? "",
            Pooling = false,
            SslMode = MySqlSslMode.None,
            ConnectionTimeout = 10,
            DefaultCommandTimeout = 60,
        }.ConnectionString;

    /// <summary>Starts a server, or returns null with the reason when MariaDB is not installed or does not start.</summary>
    public static async Task<(MariaDbServerProcess? Server, string? Problem)> TryStartAsync()
    {
        if (!File.Exists(Server) || !File.Exists(InstallDb))
            return (null, $"MariaDB is not installed ({Server}, {InstallDb}; Debian package mariadb-server, installed by test.sh)");
        var server = new MariaDbServerProcess();
        try
        {
            string? problem = await server.StartProcessAsync();
            if (problem is null)
                return (server, null);
            await server.DisposeAsync();
            return (null, problem);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    async Task<string?> StartProcessAsync()
    {
        bool root = Environment.UserName == "root";
        string[] user = root ? ["--user=root"] : [];
        var install = await ExternalProcess.RunAsync(InstallDb,
            ["--no-defaults", $"--datadir={DataDirectory}", "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve", .. user],
            timeout: TimeSpan.FromSeconds(120));
        if (install.ExitCode != 0)
            return $"mariadb-install-db failed: {install}";

        var start = new ProcessStartInfo(Server) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
                 {
                     "--no-defaults", $"--datadir={DataDirectory}", $"--socket={_dir.Combine("mysqld.sock")}", $"--pid-file={_dir.Combine("mysqld.pid")}",
                     $"--port={Port.ToString(CultureInfo.InvariantCulture)}", "--bind-address=127.0.0.1", "--skip-grant-tables", "--skip-name-resolve",
                     $"--log-error={ErrorLog}", "--skip-log-bin", "--innodb-buffer-pool-size=32M", "--character-set-server=utf8mb4",
                     "--collation-server=utf8mb4_general_ci", $"--sql-mode={MySql8SqlMode}", "--explicit-defaults-for-timestamp=ON",
                 })
            start.ArgumentList.Add(a);
        foreach (var a in user)
            start.ArgumentList.Add(a);
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start mariadbd");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var process = _process;
        try
        {
            await Eventually.AssertAsync(
                async () => process.HasExited || await Hosting.PortProbe.IsListeningAsync("127.0.0.1", Port, TestContext.Current.CancellationToken),
                TimeSpan.FromSeconds(60), "mariadbd accepts connections");
        }
        catch (TimeoutException ex)
        {
            return $"mariadbd did not start: {ex.Message}\n{(File.Exists(ErrorLog) ? await File.ReadAllTextAsync(ErrorLog) : "")}";
        }
        if (process.HasExited)
            return $"mariadbd exited with {process.ExitCode}:\n{(File.Exists(ErrorLog) ? await File.ReadAllTextAsync(ErrorLog) : "")}";
        return null;
    }

    public async Task<MySqlConnection> OpenAsync(string? database = null)
    {
        var connection = new MySqlConnection(ConnectionString(database));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                try
                {
                    await Hosting.ProcessControl.TerminateAsync(_process.Id, TimeSpan.FromSeconds(30), CancellationToken.None);
                }
                finally
                {
                    if (!_process.HasExited)
                        _process.Kill();
                    await _process.WaitForExitAsync(CancellationToken.None);
                }
            }
            _process.Dispose();
            _process = null;
        }
        _dir.Dispose();
    }
}
