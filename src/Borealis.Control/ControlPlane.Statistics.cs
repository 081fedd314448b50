namespace Borealis.Control;

/// <summary>
/// What the instances report on their status endpoints (counters, a reader's lag percentiles), kept from the
/// probes for <c>/metrics</c>, with commits/s and queries/s derived from the counters.
/// </summary>
public sealed partial class ControlPlane
{
    /// <summary>Per instance: the last status and the base the rates are measured from (under <see cref="_lock"/>).</summary>
    readonly Dictionary<string, StatusTrack> _statuses = [];

    sealed class StatusTrack(InstanceStatus status, long timestamp)
    {
        public InstanceStatus Last = status;
        public InstanceStatus Base = status;
        public long BaseTimestamp = timestamp;
        public double? CommitsPerSecond;
        public double? QueriesPerSecond;
    }

    /// <summary>
    /// Keeps what a probe read from the instance's status endpoint (under <see cref="_lock"/>). An instance that does
    /// not answer loses its statistics (its series leave <c>/metrics</c>); one that answers but whose status endpoint
    /// did not keeps the last report. A new process (another pid, or counters that went back) starts the rates anew.
    /// </summary>
    void RecordStatus(string id, InstanceProbe probe)
    {
        if (!probe.Answering)
        {
            _statuses.Remove(id);
            return;
        }
        if (probe.Status is not { } status)
            return;
        long now = _options.Time.GetTimestamp();
        if (!_statuses.TryGetValue(id, out var track) || track.Base.Pid != status.Pid
            || status.Commits < track.Base.Commits || status.Queries < track.Base.Queries)
        {
            _statuses[id] = new StatusTrack(status, now);
            return;
        }
        track.Last = status;
        var elapsed = _options.Time.GetElapsedTime(track.BaseTimestamp, now);
        if (elapsed < _options.RateInterval || elapsed <= TimeSpan.Zero)
            return;
        track.CommitsPerSecond = (status.Commits - track.Base.Commits) / elapsed.TotalSeconds;
        track.QueriesPerSecond = (status.Queries - track.Base.Queries) / elapsed.TotalSeconds;
        track.Base = status;
        track.BaseTimestamp = now;
    }

    /// <summary>The last status report of every instance of the topology that answers, by id number.</summary>
    public IReadOnlyList<InstanceStatistics> Statistics()
    {
        lock (_lock)
        {
            foreach (var gone in _statuses.Keys.Where(id => _topology.Find(id) is null).ToList())
                _statuses.Remove(gone);
            var statistics = new List<InstanceStatistics>();
            foreach (var instance in _topology.Instances.OrderBy(i => i.Number))
            {
                if (_statuses.TryGetValue(instance.Id, out var t))
                    statistics.Add(new InstanceStatistics(instance.Id, t.Last, t.CommitsPerSecond, t.QueriesPerSecond));
            }
            return statistics;
        }
    }
}
