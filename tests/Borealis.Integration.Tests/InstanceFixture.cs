namespace Borealis.Integration.Tests;

/// <summary>A class fixture: one borealis instance shared by the tests of a class (each uses its own database).</summary>
public sealed class InstanceFixture : IAsyncLifetime
{
    InstanceProcess? _instance;

    public InstanceProcess Instance => _instance ?? throw new InvalidOperationException("the instance is not started");

    public async ValueTask InitializeAsync() => _instance = await InstanceProcess.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_instance is not null)
            await _instance.DisposeAsync();
    }
}
