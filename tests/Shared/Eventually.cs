using System.Diagnostics;

namespace Borealis.Testing;

/// <summary>Polls a condition until it holds or a deadline passes: the replacement for sleeps in tests.</summary>
public static class Eventually
{
    static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(20);

    public static async Task AssertAsync(Func<bool> condition, TimeSpan? timeout = null, string? because = null)
        => await AssertAsync(() => Task.FromResult(condition()), timeout, because);

    public static async Task AssertAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? BorealisTest.DefaultTimeout;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition())
                    return;
                last = null;
            }
#pragma warning disable CA1031 // A failing probe is retried until the deadline; its last error is reported.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                last = ex;
            }
            if (deadline.Elapsed > limit)
                throw new TimeoutException($"Condition not met within {limit.TotalSeconds:0.#} s{(because is null ? "" : ": " + because)}", last);
            await Task.Delay(s_pollInterval, TestContext.Current.CancellationToken);
        }
    }
}
