namespace Borealis.Storage.Segments;

/// <summary>An append waiting for the next flush: who asked, and the segments it touched.</summary>
internal sealed record DeferredReply(RequestContext Context, IReadOnlyList<uint> Groups);
