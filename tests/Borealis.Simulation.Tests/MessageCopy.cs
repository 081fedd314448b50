using Borealis.Storage.Protocol;

namespace Borealis.Simulation.Tests;

/// <summary>
/// Deep copies of messages' byte payloads at send time, as a real network's serialization would make: neither
/// side may see the other change a buffer after it was sent.
/// </summary>
static class MessageCopy
{
    public static StorageRequest Copy(StorageRequest request) => request switch
    {
        AppendRequest a => a with { Frames = [.. a.Frames.Select(Frame)] },
        _ => request,
    };

    public static StorageResponse Copy(StorageResponse response) => response switch
    {
        PageResponse p => p with { Image = p.Image.ToArray() },
        ReadLogResponse l => l with { Frames = [.. l.Frames.Select(Frame)] },
        ReadImagesResponse i => i with { Images = [.. i.Images.Select(x => x with { Image = x.Image.ToArray() })] },
        _ => response,
    };

    static SegmentFrame Frame(SegmentFrame frame) =>
        frame with { Records = [.. frame.Records.Select(r => r with { Delta = r.Delta.ToArray() })] };
}
