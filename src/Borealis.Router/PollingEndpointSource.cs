using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace Borealis.Router;

/// <summary>
/// The router's <see cref="IEndpointSource"/>: reads the endpoints every <see cref="Interval"/> (100 ms by default)
/// and at once after <see cref="RefreshNow"/>, publishing an answer only when it differs from the last one. A failed
/// read (control plane unreachable, a half-written file) keeps the last good answer and is logged once, not on
/// every poll. <see cref="ForControlPlane"/> and <see cref="ForFile"/> are the two origins; each is only a read
/// function over this loop.
/// </summary>
public sealed class PollingEndpointSource : IEndpointSource, IAsyncDisposable
{
    /// <summary>How often the control plane is asked (contract 3).</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    readonly Func<CancellationToken, Task<EndpointSnapshot?>> _read;
    readonly IDisposable? _owned;
    readonly ILogger _logger;
    readonly SemaphoreSlim _refresh = new(0, 1);
    readonly CancellationTokenSource _stop = new();
    readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    volatile EndpointSnapshot? _current;
    Task? _loop;
    bool _failing;

    /// <param name="origin">Where the endpoints come from, for log lines (a URL or a file name).</param>
    /// <param name="read">One read of the endpoints; null means "unchanged since the last read" (nothing to parse).</param>
    /// <param name="owned">Disposed with the source (e.g. the HttpClient).</param>
    public PollingEndpointSource(string origin, Func<CancellationToken, Task<EndpointSnapshot?>> read, ILogger logger,
        TimeSpan? interval = null, IDisposable? owned = null)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(logger);
        Origin = origin;
        _read = read;
        _logger = logger;
        _owned = owned;
        Interval = interval ?? DefaultInterval;
    }

    public string Origin { get; }

    public TimeSpan Interval { get; }

    public EndpointSnapshot? Current => _current;

    public event Action<EndpointSnapshot>? Changed;

    /// <summary>Polls <c>GET {control}/v1/endpoints</c> (each request times out after a second).</summary>
    public static PollingEndpointSource ForControlPlane(Uri control, ILogger logger, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(control);
        var url = new Uri(control.AbsoluteUri.TrimEnd('/') + "/v1/endpoints");
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        return new PollingEndpointSource(url.AbsoluteUri, async cancellationToken =>
        {
            using var response = await http.GetAsync(url, cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            return EndpointSnapshot.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        }, logger, interval, http);
    }

    /// <summary>
    /// Polls a file holding the same JSON as the control API; it is parsed again only when its bytes change. Writers
    /// of the file should replace it atomically (write elsewhere, rename); a half-written file is an error that
    /// keeps the last good answer until the next read.
    /// </summary>
    public static PollingEndpointSource ForFile(string path, ILogger logger, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[]? last = null;
        return new PollingEndpointSource(path, async cancellationToken =>
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            if (last is not null && bytes.AsSpan().SequenceEqual(last))
                return null;
            var snapshot = EndpointSnapshot.Parse(bytes);
            last = bytes;
            return snapshot;
        }, logger, interval);
    }

    /// <summary>Starts polling; the first read happens at once.</summary>
    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    public void RefreshNow()
    {
        try
        {
            if (_refresh.CurrentCount == 0)
                _refresh.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another caller asked first: one refresh serves both.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Completes when the source has a first answer (or <paramref name="cancellationToken"/> fires).</summary>
    public Task WaitForFirstAsync(CancellationToken cancellationToken) => _first.Task.WaitAsync(cancellationToken);

    [SuppressMessage("Design", "CA1031", Justification = "The poll loop is a boundary: any failed read keeps the last answer and is retried.")]
    async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var snapshot = await _read(stopping);
                if (_failing)
                {
                    _failing = false;
                    Log.EndpointsAvailableAgain(_logger, Origin);
                }
                if (snapshot is not null && !snapshot.SameAs(_current))
                {
                    _current = snapshot;
                    Log.EndpointsChanged(_logger, Origin, snapshot.ToString());
                    _first.TrySetResult();
                    Changed?.Invoke(snapshot);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                if (!_failing)
                {
                    _failing = true;
                    Log.EndpointsUnavailable(_logger, Origin, _current?.Version, ex.Message);
                }
            }
            try
            {
                await _refresh.WaitAsync(Interval, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
#pragma warning disable VSTHRD003 // The source's own poll loop, awaited on stop.
            await _loop;
#pragma warning restore VSTHRD003
        }
        _stop.Dispose();
        _refresh.Dispose();
        _owned?.Dispose();
    }
}
