using System.Net;
using System.Net.Sockets;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Transport;

public sealed partial class TcpStorageTransport
{
    /// <summary>
    /// One connection attempt to a node: the requests sent on it and not yet answered. When it ends (refused,
    /// timed out, reset, protocol violation, transport closed) every one of them is answered Unreachable; a new
    /// request then makes a new <see cref="Connection"/>.
    /// </summary>
    sealed class Connection
    {
        readonly TcpStorageTransport _transport;
        readonly NodeLink _link;
        readonly string _address;
        readonly Lock _lock = new();
        readonly Dictionary<ulong, Pending> _pending = [];
        readonly FrameConnection _frames;
        bool _closed;

        readonly record struct Pending(long Correlation, long Deadline);

        public Connection(TcpStorageTransport transport, NodeLink link, string address)
        {
            _transport = transport;
            _link = link;
            _address = address;
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            _frames = new FrameConnection(socket, OnFrame, transport._options.MaxFrameSize, "storage-client " + address);
        }

        public bool IsClosed
        {
            get
            {
                lock (_lock)
                    return _closed;
            }
        }

        public void Start(EndPoint endPoint) =>
            _ = Task.Run(() => RunAsync(endPoint), CancellationToken.None);

        async Task RunAsync(EndPoint endPoint)
        {
            var failure = await _frames.RunAsync(endPoint, _transport._options.ConnectTimeout, _link.OnConnected);
            if (failure is StorageProtocolException violation)
                TransportLog.ClientProtocolViolation(_transport._logger, _address, violation.Message);
            else if (failure is not null)
                TransportLog.ClientConnectionFailed(_transport._logger, _address, failure.Message);
            Fail(failure is null ? "the connection closed" : "the connection failed: " + failure.Message);
        }

        /// <summary>Queues a request; takes ownership of the frame and guarantees one answer.</summary>
        public void Send(ulong requestId, long correlation, EncodedFrame frame)
        {
            bool added = false;
            lock (_lock)
            {
                if (!_closed)
                {
                    _pending[requestId] = new Pending(correlation, Environment.TickCount64 + (long)_transport._options.RequestTimeout.TotalMilliseconds);
                    added = true;
                }
            }
            if (added && _frames.TrySend(frame))
                return;
            if (!added)
                frame.Return();
            bool mine = !added;
            if (added)
            {
                // The connection closed in between: whoever removes the request answers it.
                lock (_lock)
                    mine = _pending.Remove(requestId);
            }
            if (mine)
                _transport.AnswerLater(correlation, Unreachable(_address, "the connection closed"));
        }

        void OnFrame(ReadOnlySpan<byte> frame)
        {
            var response = StorageCodec.DecodeResponse(frame, out ulong requestId);
            Pending pending;
            lock (_lock)
            {
                if (!_pending.Remove(requestId, out pending))
                    return; // Answered already (timed out): the late answer is dropped.
            }
            _transport.Answer(pending.Correlation, response);
        }

        public void SweepTimeouts(long now)
        {
            List<ulong>? ids = null;
            List<long> expired;
            lock (_lock)
            {
                foreach (var (id, pending) in _pending)
                {
                    if (pending.Deadline <= now)
                        (ids ??= []).Add(id);
                }
                if (ids is null)
                    return;
                expired = new List<long>(ids.Count);
                foreach (var id in ids)
                {
                    _pending.Remove(id, out var pending);
                    expired.Add(pending.Correlation);
                }
            }
            _transport.AnswerAllLater(expired, Unreachable(_address, "no answer within the request timeout"));
        }

        public void Close() => _frames.Close();

        void Fail(string reason)
        {
            List<long> orphans;
            lock (_lock)
            {
                _closed = true;
                orphans = new List<long>(_pending.Count);
                foreach (var pending in _pending.Values)
                    orphans.Add(pending.Correlation);
                _pending.Clear();
            }
            _link.OnClosed(this);
            _transport.AnswerAllLater(orphans, Unreachable(_address, reason));
        }
    }
}
