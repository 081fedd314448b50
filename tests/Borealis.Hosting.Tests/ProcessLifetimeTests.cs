using Borealis.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Borealis.Hosting.Tests;

/// <summary>
/// A child of the supervisor stops when its parent process changes (the supervisor died and the kernel reparented
/// it), and only then; the real-process case is in the integration tests (SupervisorDeathTests).
/// </summary>
public sealed class ProcessLifetimeTests : BorealisTest
{
    static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task StopsWhenTheParentIsNoLongerTheSupervisor()
    {
        int parent = 4242;
        int checks = 0;
        using var lifetime = new ProcessLifetime(NullLogger.Instance, 4242, () => { Interlocked.Increment(ref checks); return Volatile.Read(ref parent); },
            s_interval, handleSigterm: false, TestToken);

        await Eventually.AssertAsync(() => Volatile.Read(ref checks) >= 3, because: "the parent was checked three times");
        Assert.False(lifetime.Token.IsCancellationRequested, "the supervisor is still the parent");

        Volatile.Write(ref parent, 1);
        await Eventually.AssertAsync(() => lifetime.Token.IsCancellationRequested, because: "the parent changed to init");
    }

    [Fact]
    public async Task WithoutASupervisorOnlyTheCallerStopsIt()
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        int checks = 0;
        using var lifetime = new ProcessLifetime(NullLogger.Instance, supervisorPid: null, () => { Interlocked.Increment(ref checks); return 1; },
            s_interval, handleSigterm: false, caller.Token);
        // A watched lifetime started alongside, as a clock: once it has checked three times, so would the other have.
        int watchedChecks = 0;
        using var watched = new ProcessLifetime(NullLogger.Instance, 7, () => { Interlocked.Increment(ref watchedChecks); return 7; },
            s_interval, handleSigterm: false, TestToken);

        await Eventually.AssertAsync(() => Volatile.Read(ref watchedChecks) >= 3, because: "the watched lifetime checked its parent");
        Assert.Equal(0, Volatile.Read(ref checks));
        Assert.False(lifetime.Token.IsCancellationRequested);

        await caller.CancelAsync();
        Assert.True(lifetime.Token.IsCancellationRequested);
        Assert.False(watched.Token.IsCancellationRequested);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("abc", null)]
    [InlineData("-5", null)]
    [InlineData("1", null)]
    [InlineData("31337", 31337)]
    public void TheSupervisorIsReadFromTheEnvironment(string? value, int? expected)
    {
        var before = Environment.GetEnvironmentVariable(ProcessLifetime.SupervisorVariable);
        try
        {
            Environment.SetEnvironmentVariable(ProcessLifetime.SupervisorVariable, value);
            Assert.Equal(expected, ProcessLifetime.SupervisorFromEnvironment());
        }
        finally
        {
            Environment.SetEnvironmentVariable(ProcessLifetime.SupervisorVariable, before);
        }
    }
}
