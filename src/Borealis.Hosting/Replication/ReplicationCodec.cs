using System.Buffers.Binary;
using System.Text;
using Borealis.Common;
using Borealis.Common.Redo;
using Borealis.Volume;

namespace Borealis.Hosting.Replication;

/// <summary>Message kinds of the redo stream between a writer and its replicas (docs/replication.md).</summary>
internal enum ReplicationMessage : byte
{
    /// <summary>Replica → writer, first: protocol version and the replica's id.</summary>
    Hello = 1,

    /// <summary>Writer → replica, once: where the stream starts (epoch, start LSN, page count, groups' last frames).</summary>
    Start = 2,

    /// <summary>Writer → replica: one commit's redo records, as appended (not yet durable).</summary>
    Batch = 3,

    /// <summary>Writer → replica: the volume durable LSN and when the writer saw it; also the heartbeat.</summary>
    Durable = 4,

    /// <summary>Replica → writer: its oldest read point, the commit it shows, its lag.</summary>
    Feedback = 5,

    /// <summary>Writer → replica: the cluster's instances as the writer sees them (replica_host_status), JSON.</summary>
    Status = 6,

    // ---- multi-master: a writer and the volume service (the same framing; Hello, Start, Batch, Durable as above) ----

    /// <summary>Writer → volume service: a commit (request id, snapshot LSN and page count, the batch).</summary>
    CommitRequest = 10,

    /// <summary>Volume service → writer: the commit's LSNs and page count, or the page conflict, or a failure.</summary>
    CommitAnswer = 11,

    /// <summary>Writer → volume service: read a page as of an LSN.</summary>
    PageRequest = 12,

    /// <summary>Volume service → writer: the page version (its LSN and bytes) or a failure.</summary>
    PageAnswer = 13,

    /// <summary>Writer → volume service: the newest commit on the volume?</summary>
    LatestRequest = 14,

    /// <summary>Volume service → writer: the newest commit on the volume.</summary>
    LatestAnswer = 15,

    /// <summary>Writer → volume service: its oldest read point (the volume's read horizon follows the oldest writer's).</summary>
    Horizon = 16,
}

/// <summary>How a commit sent to the volume service ended.</summary>
internal enum CommitOutcome : byte
{
    Accepted = 0,
    Conflict = 1,
    Failed = 2,
}

/// <summary>What a replica is told when it subscribes.</summary>
public sealed record ReplicationStart(VolumeEpoch Epoch, Lsn Start, uint PageCount, Lsn[] GroupLasts, string WriterId);

/// <summary>A replica's report to its writer.</summary>
internal readonly record struct ReplicaFeedback(Lsn OldestReadPoint, Lsn Applied, double LagMilliseconds, double CpuPercent);

/// <summary>
/// Encoding of the redo stream: every message is <c>u32 length, u8 kind, payload</c>, little-endian. The writer
/// encodes a batch once and sends the same bytes to every replica.
/// </summary>
internal static class ReplicationCodec
{
    public const ushort Version = 1;

    /// <summary>Largest message accepted (a transaction's redo travels as one message).</summary>
    public const int MaxMessageBytes = 512 << 20;

    public static byte[] Hello(string replicaId)
    {
        var w = new Writer(ReplicationMessage.Hello);
        w.U16(Version);
        w.String(replicaId);
        return w.Done();
    }

    public static (ushort Version, string ReplicaId) ReadHello(ReadOnlySpan<byte> payload)
    {
        var r = new Reader(payload);
        return (r.U16(), r.String());
    }

    static readonly TimeSpan s_helloTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The first message a <paramref name="peer"/> (a replica, a multi-master writer) sends: Hello in this version,
    /// within 10 s. Returns its id.
    /// </summary>
    /// <exception cref="InvalidDataException">Another message first, or another version.</exception>
    /// <exception cref="OperationCanceledException">No Hello in time, or <paramref name="stopping"/>.</exception>
    public static async Task<string> ReadHelloAsync(Stream stream, string peer, CancellationToken stopping)
    {
        using var hello = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        hello.CancelAfter(s_helloTimeout);
        var first = await ReadAsync(stream, hello.Token);
        if (first is not { Kind: ReplicationMessage.Hello } message)
            throw new InvalidDataException($"The first message of a {peer} must be Hello.");
        var (version, id) = ReadHello(message.Payload);
        if (version != Version)
            throw new InvalidDataException($"Protocol version {version} from a {peer}; this side speaks {Version}.");
        return id;
    }

    public static byte[] Start(ReplicationStart start)
    {
        var w = new Writer(ReplicationMessage.Start);
        w.U64(start.Epoch.Value);
        w.U64(start.Start.Value);
        w.U32(start.PageCount);
        w.U32((uint)start.GroupLasts.Length);
        foreach (var last in start.GroupLasts)
            w.U64(last.Value);
        w.String(start.WriterId);
        return w.Done();
    }

    public static ReplicationStart ReadStart(ReadOnlySpan<byte> payload)
    {
        var r = new Reader(payload);
        var epoch = new VolumeEpoch(r.U64());
        var start = new Lsn(r.U64());
        uint pageCount = r.U32();
        uint groups = r.U32();
        if (groups > payload.Length / 8)
            throw new InvalidDataException("A start message with more groups than bytes.");
        var lasts = new Lsn[groups];
        for (int i = 0; i < lasts.Length; i++)
            lasts[i] = new Lsn(r.U64());
        return new ReplicationStart(epoch, start, pageCount, lasts, r.String());
    }

    public static byte[] Batch(RedoBatch batch, AppendResult lsns)
    {
        var w = new Writer(ReplicationMessage.Batch, BatchBytes(batch));
        WriteBatch(w, batch, lsns);
        return w.Done();
    }

    /// <summary>Decodes a batch; the records' deltas are copied out of <paramref name="payload"/>.</summary>
    public static (RedoBatch Batch, AppendResult Lsns) ReadBatch(ReadOnlySpan<byte> payload)
    {
        var r = new Reader(payload);
        return ReadBatch(ref r, payload.Length, assigned: true);
    }

    static int BatchBytes(RedoBatch batch)
    {
        int size = 8 + 8 + 4 + 4;
        foreach (var record in batch.Records)
            size += 4 + 8 + 4 + record.Delta.Length;
        return size;
    }

    static void WriteBatch(Writer w, RedoBatch batch, AppendResult lsns)
    {
        w.U64(lsns.First.Value);
        w.U64(lsns.Commit.Value);
        w.U32(batch.PageCount);
        w.U32((uint)batch.Records.Count);
        foreach (var record in batch.Records)
        {
            w.U32(record.Page.Value);
            w.U64(record.PreviousLsn.Value);
            w.Bytes(record.Delta.Span);
        }
    }

    /// <summary>A batch; one whose LSNs are not assigned yet (a commit request, <paramref name="assigned"/> false) carries First = Commit = 0.</summary>
    static (RedoBatch Batch, AppendResult Lsns) ReadBatch(ref Reader r, int payloadLength, bool assigned)
    {
        var first = new Lsn(r.U64());
        var commit = new Lsn(r.U64());
        uint pageCount = r.U32();
        uint count = r.U32();
        bool lsnsOk = assigned ? commit.Value - first.Value + 1 == count && first != Lsn.Zero : first == Lsn.Zero && commit == Lsn.Zero;
        if (count == 0 || count > payloadLength / 16 || !lsnsOk)
            throw new InvalidDataException($"A batch of {count} records for LSNs {first}..{commit}.");
        var records = new RedoRecord[count];
        for (int i = 0; i < records.Length; i++)
        {
            var page = new PageId(r.U32());
            var previous = new Lsn(r.U64());
            records[i] = new RedoRecord(page, previous, r.Bytes().ToArray());
        }
        return (new RedoBatch(records, pageCount), new AppendResult(first, commit));
    }

    public static byte[] CommitRequest(ulong requestId, Lsn snapshot, uint snapshotPageCount, RedoBatch batch)
    {
        var w = new Writer(ReplicationMessage.CommitRequest, 20 + BatchBytes(batch));
        w.U64(requestId);
        w.U64(snapshot.Value);
        w.U32(snapshotPageCount);
        WriteBatch(w, batch, default);
        return w.Done();
    }

    public static (ulong RequestId, Lsn Snapshot, uint SnapshotPageCount, RedoBatch Batch) ReadCommitRequest(ReadOnlySpan<byte> payload)
    {
        var r = new Reader(payload);
        ulong id = r.U64();
        var snapshot = new Lsn(r.U64());
        uint count = r.U32();
        var (batch, _) = ReadBatch(ref r, payload.Length, assigned: false);
        return (id, snapshot, count, batch);
    }

    public static byte[] CommitAccepted(ulong requestId, AppendResult lsns, uint pageCount)
    {
        var w = new Writer(ReplicationMessage.CommitAnswer, 32);
        w.U64(requestId);
        w.U8((byte)CommitOutcome.Accepted);
        w.U64(lsns.First.Value);
        w.U64(lsns.Commit.Value);
        w.U32(pageCount);
        return w.Done();
    }

    public static byte[] CommitConflict(ulong requestId, PageId page, Lsn snapshot, Lsn newer)
    {
        var w = new Writer(ReplicationMessage.CommitAnswer, 32);
        w.U64(requestId);
        w.U8((byte)CommitOutcome.Conflict);
        w.U32(page.Value);
        w.U64(snapshot.Value);
        w.U64(newer.Value);
        return w.Done();
    }

    public static byte[] CommitFailed(ulong requestId, string message)
    {
        var w = new Writer(ReplicationMessage.CommitAnswer, 16 + message.Length);
        w.U64(requestId);
        w.U8((byte)CommitOutcome.Failed);
        w.String(message.Length > 2000 ? message[..2000] : message);
        return w.Done();
    }

    /// <summary>The request id and, as an exception or a result, how the commit ended.</summary>
    public static (ulong RequestId, CommitOutcome Outcome, AppendResult Lsns, uint PageCount, Exception? Error) ReadCommitAnswer(ReadOnlySpan<byte> payload)
    {
        var r = new Reader(payload);
        ulong id = r.U64();
        var outcome = (CommitOutcome)r.U8();
        switch (outcome)
        {
            case CommitOutcome.Accepted:
                var first = new Lsn(r.U64());
                var commit = new Lsn(r.U64());
                return (id, outcome, new AppendResult(first, commit), r.U32(), null);
            case CommitOutcome.Conflict:
                var page = new PageId(r.U32());
                var snapshot = new Lsn(r.U64());
                var newer = new Lsn(r.U64());
                return (id, outcome, default, 0, new Volume.MultiWriter.WriteConflictException(page, snapshot, newer));
            case CommitOutcome.Failed:
                return (id, outcome, default, 0, new VolumeException("The volume service could not append: " + r.String(), isTransient: true));
            default:
                throw new InvalidDataException($"A commit answer with outcome {(byte)outcome}.");
        }
    }

    public static byte[] PageRequest(ulong requestId, PageId page, Lsn asOf)
    {
        var w = new Writer(ReplicationMessage.PageRequest, 20);
        w.U64(requestId);
        w.U32(page.Value);
        w.U64(asOf.Value);
        return w.Done();
    }

    public static (ulong RequestId, PageId Page, Lsn AsOf) ReadPageRequest(ReadOnlySpan<byte> payload)
    {
        var r = new Reader(payload);
        return (r.U64(), new PageId(r.U32()), new Lsn(r.U64()));
    }

    public static byte[] PageAnswer(ulong requestId, Lsn version, ReadOnlySpan<byte> image)
    {
        var w = new Writer(ReplicationMessage.PageAnswer, 24 + image.Length);
        w.U64(requestId);
        w.U8(1);
        w.U64(version.Value);
        w.Bytes(image);
        return w.Done();
    }

    public static byte[] PageFailed(ulong requestId, string message)
    {
        var w = new Writer(ReplicationMessage.PageAnswer, 16 + message.Length);
        w.U64(requestId);
        w.U8(0);
        w.String(message.Length > 2000 ? message[..2000] : message);
        return w.Done();
    }

    public static (ulong RequestId, Lsn Version, byte[]? Image, string? Error) ReadPageAnswer(ReadOnlySpan<byte> payload)
    {
        var r = new Reader(payload);
        ulong id = r.U64();
        if (r.U8() == 0)
            return (id, default, null, r.String());
        var version = new Lsn(r.U64());
        return (id, version, r.Bytes().ToArray(), null);
    }

    public static byte[] LatestRequest(ulong requestId)
    {
        var w = new Writer(ReplicationMessage.LatestRequest, 8);
        w.U64(requestId);
        return w.Done();
    }

    public static ulong ReadLatestRequest(ReadOnlySpan<byte> payload) => new Reader(payload).U64();

    public static byte[] LatestAnswer(ulong requestId, Lsn latest)
    {
        var w = new Writer(ReplicationMessage.LatestAnswer, 16);
        w.U64(requestId);
        w.U64(latest.Value);
        return w.Done();
    }

    public static (ulong RequestId, Lsn Latest) ReadLatestAnswer(ReadOnlySpan<byte> payload)
    {
        var r = new Reader(payload);
        return (r.U64(), new Lsn(r.U64()));
    }

    public static byte[] Horizon(Lsn oldestReadPoint)
    {
        var w = new Writer(ReplicationMessage.Horizon, 8);
        w.U64(oldestReadPoint.Value);
        return w.Done();
    }

    public static Lsn ReadHorizon(ReadOnlySpan<byte> payload) => new(new Reader(payload).U64());

    public static byte[] Durable(Lsn vdl, long writerTimeMicroseconds)
    {
        var w = new Writer(ReplicationMessage.Durable);
        w.U64(vdl.Value);
        w.U64((ulong)writerTimeMicroseconds);
        return w.Done();
    }

    public static (Lsn Vdl, long WriterTimeMicroseconds) ReadDurable(ReadOnlySpan<byte> payload)
    {
        var r = new Reader(payload);
        return (new Lsn(r.U64()), (long)r.U64());
    }

    public static byte[] Feedback(ReplicaFeedback feedback)
    {
        var w = new Writer(ReplicationMessage.Feedback);
        w.U64(feedback.OldestReadPoint.Value);
        w.U64(feedback.Applied.Value);
        w.U64(BitConverter.DoubleToUInt64Bits(feedback.LagMilliseconds));
        w.U64(BitConverter.DoubleToUInt64Bits(feedback.CpuPercent));
        return w.Done();
    }

    public static ReplicaFeedback ReadFeedback(ReadOnlySpan<byte> payload)
    {
        var r = new Reader(payload);
        return new ReplicaFeedback(new Lsn(r.U64()), new Lsn(r.U64()), BitConverter.UInt64BitsToDouble(r.U64()), BitConverter.UInt64BitsToDouble(r.U64()));
    }

    public static byte[] Status(ReadOnlySpan<byte> json)
    {
        var w = new Writer(ReplicationMessage.Status, json.Length + 4);
        w.Bytes(json);
        return w.Done();
    }

    public static ReadOnlySpan<byte> ReadStatus(ReadOnlySpan<byte> payload) => new Reader(payload).Bytes();

    /// <summary>Reads one message; null at a clean end of stream (between messages).</summary>
    /// <exception cref="InvalidDataException">A malformed or oversized message, or the stream ended inside one.</exception>
    public static async ValueTask<(ReplicationMessage Kind, byte[] Payload)?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] header = new byte[HeaderBytes];
        int got = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        if (!TryParseHeader(header, got, out var kind, out byte[] payload))
            return null;
        await stream.ReadExactlyAsync(payload, cancellationToken);
        return (kind, payload);
    }

    /// <summary>
    /// Reads one message, blocking (for a dedicated thread; the stream's read timeout applies); null at a clean end
    /// of stream.
    /// </summary>
    /// <exception cref="InvalidDataException">A malformed or oversized message, or the stream ended inside one.</exception>
    public static (ReplicationMessage Kind, byte[] Payload)? Read(Stream stream)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        int got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (!TryParseHeader(header, got, out var kind, out byte[] payload))
            return null;
        stream.ReadExactly(payload);
        return (kind, payload);
    }

    const int HeaderBytes = 5;

    /// <summary>A message header (i32 length of kind + payload, u8 kind) of which <paramref name="got"/> bytes arrived.</summary>
    static bool TryParseHeader(ReadOnlySpan<byte> header, int got, out ReplicationMessage kind, out byte[] payload)
    {
        kind = default;
        payload = [];
        if (got == 0)
            return false;
        if (got < HeaderBytes)
            throw new InvalidDataException("The stream ended inside a message header.");
        int length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length < 1 || length > MaxMessageBytes)
            throw new InvalidDataException($"A message of {length} bytes.");
        kind = (ReplicationMessage)header[4];
        payload = new byte[length - 1];
        return true;
    }

    ref struct Reader(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> _data = data;

        ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || count > _data.Length)
                throw new InvalidDataException("A message shorter than its fields.");
            var taken = _data[..count];
            _data = _data[count..];
            return taken;
        }

        public byte U8() => Take(1)[0];

        public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

        public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public ReadOnlySpan<byte> Bytes() => Take((int)Math.Min(U32(), int.MaxValue));

        public string String() => Encoding.UTF8.GetString(Take(U16()));
    }

    sealed class Writer
    {
        byte[] _buffer;
        int _length;

        public Writer(ReplicationMessage kind, int payloadHint = 64)
        {
            _buffer = new byte[5 + payloadHint];
            _buffer[4] = (byte)kind;
            _length = 5;
        }

        Span<byte> Grow(int count)
        {
            if (_length + count > _buffer.Length)
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
            var span = _buffer.AsSpan(_length, count);
            _length += count;
            return span;
        }

        public void U8(byte value) => Grow(1)[0] = value;

        public void U16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Grow(2), value);

        public void U32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), value);

        public void U64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), value);

        public void Bytes(ReadOnlySpan<byte> value)
        {
            U32((uint)value.Length);
            value.CopyTo(Grow(value.Length));
        }

        public void String(string value)
        {
            int count = Encoding.UTF8.GetByteCount(value);
            if (count > ushort.MaxValue)
                throw new ArgumentException("A string too long for the replication protocol.", nameof(value));
            U16((ushort)count);
            Encoding.UTF8.GetBytes(value, Grow(count));
        }

        public byte[] Done()
        {
            BinaryPrimitives.WriteInt32LittleEndian(_buffer, _length - 4);
            return _length == _buffer.Length ? _buffer : _buffer.AsSpan(0, _length).ToArray();
        }
    }
}
