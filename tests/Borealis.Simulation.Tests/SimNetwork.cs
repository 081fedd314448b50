using Borealis.Common;
using Borealis.Storage.Protocol;

namespace Borealis.Simulation.Tests;

/// <summary>An endpoint of the simulated network: a storage node (its id) or a writer (ids from 1000).</summary>
public interface ISimEndpoint
{
    int Id { get; }

    bool IsUp { get; }

    /// <summary>A request arrives; the endpoint answers later through <see cref="SimNetwork.Reply"/>.</summary>
    void Deliver(SimExchange exchange);
}

/// <summary>One request and its single answer.</summary>
public sealed class SimExchange(long id, int from, int to, StorageRequest request, Action<StorageResponse> onAnswer)
{
    public long Id { get; } = id;
    public int From { get; } = from;
    public int To { get; } = to;
    public StorageRequest Request { get; } = request;
    internal Action<StorageResponse> OnAnswer { get; } = onAnswer;
    public bool Answered { get; internal set; }
}

/// <summary>
/// Delivers requests and answers with seeded delays (0.1–5 ms, a long tail now and then), drops, reordering
/// (independent delays) and partitions. Every request gets exactly one answer, as the transports promise: the
/// real one, or <see cref="StorageStatus.Unreachable"/> when the target is down (quickly, like a refused connect)
/// or when the request or its answer was lost (after <see cref="TimeoutMicros"/>).
/// </summary>
public sealed class SimNetwork(SimScheduler scheduler, SimRandom random, SimTrace trace)
{
    readonly Dictionary<int, ISimEndpoint> _endpoints = [];
    readonly Dictionary<int, long> _isolatedUntil = [];
    long _nextExchange;

    public double DropRate { get; set; } = 0.005;

    public double LongTailRate { get; set; } = 0.01;

    public long TimeoutMicros { get; set; } = 150_000;

    public long Delivered { get; private set; }

    public long Dropped { get; private set; }

    public void Register(ISimEndpoint endpoint) => _endpoints[endpoint.Id] = endpoint;

    /// <summary>Cuts <paramref name="endpoint"/> off both ways until <paramref name="untilMicros"/>.</summary>
    public void Isolate(int endpoint, long untilMicros)
    {
        _isolatedUntil[endpoint] = untilMicros;
        trace.Add("partition", $"n{endpoint} until {untilMicros / 1000}ms");
    }

    public void HealPartitions() => _isolatedUntil.Clear();

    public bool IsIsolated(int endpoint) =>
        _isolatedUntil.TryGetValue(endpoint, out long until) && until > scheduler.NowMicros;

    bool CanTalk(int a, int b) => !IsIsolated(a) && !IsIsolated(b);

    long Delay() => random.Chance(LongTailRate) ? random.NextInt64(5_000, 60_000) : random.NextInt64(100, 5_000);

    public void Send(int from, int to, StorageRequest request, Action<StorageResponse> onAnswer)
    {
        var exchange = new SimExchange(++_nextExchange, from, to, MessageCopy.Copy(request), onAnswer);
        trace.Add($"send {from}->{to} #{exchange.Id}", exchange.Request);
        scheduler.After(TimeoutMicros, () => Complete(exchange, Unreachable("timeout")));
        if (!_endpoints.TryGetValue(to, out var target))
        {
            scheduler.After(500, () => Complete(exchange, Unreachable("no such endpoint")));
            return;
        }
        if (!CanTalk(from, to) || random.Chance(DropRate))
        {
            Dropped++;
            trace.Add($"drop #{exchange.Id}");
            return;
        }
        if (!target.IsUp)
        {
            scheduler.After(random.NextInt64(200, 1_000), () => Complete(exchange, Unreachable("connection refused")));
            return;
        }
        scheduler.After(Delay(), () =>
        {
            if (!CanTalk(from, to))
            {
                Dropped++;
                trace.Add($"drop #{exchange.Id} (partitioned in flight)");
                return;
            }
            if (!target.IsUp)
            {
                Complete(exchange, Unreachable("connection reset"));
                return;
            }
            Delivered++;
            target.Deliver(exchange);
        });
    }

    /// <summary>The target's answer; it travels back with its own delay and may be lost (the sender then times out).</summary>
    public void Reply(SimExchange exchange, StorageResponse response)
    {
        var copy = MessageCopy.Copy(response);
        trace.Add($"reply {exchange.To}->{exchange.From} #{exchange.Id}", copy);
        if (exchange.Answered)
            return;
        if (!CanTalk(exchange.From, exchange.To) || random.Chance(DropRate))
        {
            Dropped++;
            trace.Add($"drop reply #{exchange.Id}");
            return;
        }
        scheduler.After(Delay(), () =>
        {
            if (!CanTalk(exchange.From, exchange.To))
                return;
            Complete(exchange, copy);
        });
    }

    void Complete(SimExchange exchange, StorageResponse response)
    {
        if (exchange.Answered)
            return;
        exchange.Answered = true;
        if (response is ErrorResponse { Status: StorageStatus.Unreachable })
            trace.Add($"unreachable {exchange.To}->{exchange.From} #{exchange.Id}", response);
        exchange.OnAnswer(response);
    }

    static ErrorResponse Unreachable(string why) => new(StorageStatus.Unreachable, why, new VolumeEpoch(0));
}
