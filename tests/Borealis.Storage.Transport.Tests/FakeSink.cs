using System.Collections.Concurrent;
using Borealis.Storage.Protocol;

namespace Borealis.Storage.Transport.Tests;

/// <summary>
/// A request sink for transport tests: records every request and, unless told to hold them, answers at once with
/// <see cref="Answer"/> (by default a page whose version is the request's AsOf and whose bytes are its page id).
/// </summary>
internal sealed class FakeSink : IStorageRequestSink
{
    public IStorageResponder? Responder { get; set; }

    public bool Hold { get; set; }

    public Func<StorageRequest, StorageResponse> Answer { get; set; } = DefaultAnswer;

    public ConcurrentQueue<(RequestContext Context, StorageRequest Request)> Received { get; } = new();

    public void Handle(RequestContext context, StorageRequest request)
    {
        Received.Enqueue((context, request));
        if (!Hold)
            Responder!.Reply(context, Answer(request));
    }

    public static StorageResponse DefaultAnswer(StorageRequest request) => request switch
    {
        GetPageRequest page => new PageResponse(page.AsOf, BitConverter.GetBytes(page.Page.Value)),
        _ => new OkResponse(),
    };
}
