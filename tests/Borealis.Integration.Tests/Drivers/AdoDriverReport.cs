namespace Borealis.Integration.Tests.Drivers;

/// <summary>The report of an in-process ADO.NET driver (<see cref="AdoDriver"/>); a derived report picks server-side
/// prepared statements.</summary>
public abstract class AdoDriverReport(bool prepare) : DriverReport
{
    protected override string? Unavailable() => null;

    /// <summary>The provider's connection to <paramref name="instance"/> and its differences.</summary>
    protected abstract AdoProvider Provider(InstanceProcess instance);

    protected override Task<string> RunAsync(InstanceProcess instance) => new AdoDriver(Provider(instance), prepare).RunAsync();
}
