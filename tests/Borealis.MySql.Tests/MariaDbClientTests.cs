using System.Diagnostics;
using Borealis.MySql.Tests.Fakes;
using Borealis.Testing;

namespace Borealis.MySql.Tests;

/// <summary>The mariadb command-line client against the server (skipped where it is not installed).</summary>
public sealed class MariaDbClientTests : BorealisTest, IDisposable
{
    const string Client = "/usr/bin/mariadb";

    readonly string _certificateDirectory = Directory.CreateTempSubdirectory("borealis-tls-").FullName;

    public void Dispose() => Directory.Delete(_certificateDirectory, recursive: true);

    [Theory]
    [InlineData("native", false)]
    [InlineData("native", true)]
    [InlineData("sha2", false)]
    [InlineData("sha2", true)]
    public async Task SelectOneWithAndWithoutTls(string user, bool tls)
    {
        Assert.SkipUnless(File.Exists(Client), "mariadb client not installed");
        var certificate = TlsCertificates.LoadOrCreate(_certificateDirectory);
        await using var server = await TestServer.StartAsync(o => o with { Certificate = certificate, RequireSecureTransport = tls });
        var (exitCode, output, error) = await RunAsync(server.Port, user, tls ? "--ssl" : "--skip-ssl", "-e", "SELECT 1");
        Assert.True(exitCode == 0, $"exit {exitCode}: {error}");
        Assert.Equal("1\n1\n", output);
    }

    [Fact]
    public async Task ScriptWithTypedValuesAndAnErrorIsAnswered()
    {
        Assert.SkipUnless(File.Exists(Client), "mariadb client not installed");
        await using var server = await TestServer.StartAsync();
        var (exitCode, output, error) = await RunAsync(server.Port, "native", "--skip-ssl", "-e", "SELECT TYPED; FAIL");
        Assert.Equal(1, exitCode);
        Assert.Contains("ERROR 1062 (23000) at line 1: Duplicate entry '1' for key 'PRIMARY'", error, StringComparison.Ordinal);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("i\tu\td\tdec\ts\tdt\tts\tb", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("-42\t18446744073709551615\t3.25\t12345.67\théllo wörld\t2024-02-29\t2024-02-29 13:14:15.123456\t", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScriptPipedToStandardInputRunsStatementByStatement()
    {
        Assert.SkipUnless(File.Exists(Client), "mariadb client not installed");
        await using var server = await TestServer.StartAsync();
        var (exitCode, output, error) = await RunAsync(server.Port, "native", ["--skip-ssl"], "SELECT 1;\nINSERT INTO t VALUES (1);\nSELECT ROWS 2;\n");
        Assert.True(exitCode == 0, $"exit {exitCode}: {error}");
        Assert.Equal("1\n1\nid\tname\n0\trow 0\n1\trow 1\n", output);
        Assert.Equal(["SELECT 1", "INSERT INTO t VALUES (1)", "SELECT ROWS 2"], server.State.Queries.Where(q => !q.StartsWith("SET", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WrongPasswordIsAccessDenied()
    {
        Assert.SkipUnless(File.Exists(Client), "mariadb client not installed");
        await using var server = await TestServer.StartAsync();
        var (exitCode, _, error) = await RunAsync(server.Port, "native", "--skip-ssl", "--password=wrong", "-e", "SELECT 1");
        Assert.Equal(1, exitCode);
        Assert.Contains("ERROR 1045 (28000): Access denied for user 'native'@'127.0.0.1' (using password: YES)", error, StringComparison.Ordinal);
    }

    static Task<(int ExitCode, string Output, string Error)> RunAsync(int port, string user, params string[] arguments) =>
        RunAsync(port, user, arguments, input: null);

    static async Task<(int ExitCode, string Output, string Error)> RunAsync(int port, string user, string[] arguments, string? input)
    {
        var start = new ProcessStartInfo(Client)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--no-defaults", "-h", "127.0.0.1", "-P", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-u", user, $"--password={TestServer.Password}", "--connect-timeout=10"])
            start.ArgumentList.Add(argument);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        if (input is not null)
            await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
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
        return (process.ExitCode, await output, await error);
    }
}
