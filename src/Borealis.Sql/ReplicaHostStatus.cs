namespace Borealis.Sql;

/// <summary>One row of <c>information_schema.replica_host_status</c>: one instance of the cluster.</summary>
/// <param name="ServerId">The instance id (its @@aurora_server_id).</param>
/// <param name="SessionId"><see cref="MasterSessionId"/> for the writer; a UUID for a reader.</param>
/// <param name="IsCurrent">True for the row that is the current state of that instance.</param>
/// <param name="Cpu">CPU use of the instance, percent.</param>
/// <param name="LastUpdateTimestamp">When this row was last refreshed (UTC).</param>
/// <param name="ReplicaLagInMilliseconds">How far the reader's applied redo is behind the writer; 0 for the writer.</param>
public sealed record ReplicaHostStatus(
    string ServerId,
    string SessionId,
    bool IsCurrent,
    double Cpu,
    DateTime LastUpdateTimestamp,
    double ReplicaLagInMilliseconds)
{
    /// <summary>Aurora's SESSION_ID of the writer.</summary>
    public const string MasterSessionId = "MASTER_SESSION_ID";

    /// <summary>True when this row is the writer's.</summary>
    public bool IsWriter => SessionId == MasterSessionId;
}
