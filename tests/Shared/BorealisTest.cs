namespace Borealis.Testing;

/// <summary>Base of every test class: the test's cancellation token and a default deadline.</summary>
public abstract class BorealisTest
{
    /// <summary>How long a test waits for a condition before it fails.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Cancelled when the test run is aborted.</summary>
    protected static CancellationToken TestToken => TestContext.Current.CancellationToken;
}
