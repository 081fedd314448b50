namespace Borealis.Router;

/// <summary>The router's two listening endpoints.</summary>
public enum RouterEndpoint
{
    /// <summary>The cluster (writer) endpoint: always the current writer, never a reader.</summary>
    Cluster,

    /// <summary>The reader endpoint: the readers in turn; the writer when there are none.</summary>
    Reader,
}
