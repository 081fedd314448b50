namespace Borealis.Router;

/// <summary>The role an instance had when a connection was routed to it; the connection lives only as long as the role.</summary>
public enum RouteRole
{
    /// <summary>The current writer (cluster endpoint, or the reader endpoint's fallback when there are no readers).</summary>
    Writer,

    /// <summary>One of the current readers (reader endpoint).</summary>
    Reader,
}
