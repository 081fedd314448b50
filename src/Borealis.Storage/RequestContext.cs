namespace Borealis.Storage;

/// <summary>Identifies a request the core must answer: the transport's connection and the request id. Opaque to the core.</summary>
/// <param name="Connection">The transport's handle for the sender.</param>
/// <param name="RequestId">The request id from the frame.</param>
public readonly record struct RequestContext(long Connection, ulong RequestId);
