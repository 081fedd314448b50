using Microsoft.Extensions.Logging;

namespace Borealis.Router.Tests;

/// <summary>A logger that keeps the event ids it was given, so a test can wait for a logged event instead of sleeping.</summary>
internal sealed class ListLogger : ILogger
{
    readonly List<int> _events = [];

    public bool Logged(int eventId)
    {
        lock (_events)
            return _events.Contains(eventId);
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_events)
            _events.Add(eventId.Id);
    }
}
