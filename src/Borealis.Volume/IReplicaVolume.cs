using Borealis.Common;
using Borealis.Common.Redo;

namespace Borealis.Volume;

/// <summary>
/// The volume a read replica stands on: the writer's volume, read-only, whose LSN history the replica learns from
/// the writer's redo stream rather than by writing it.
/// </summary>
public interface IReplicaVolume : IVolume
{
    /// <summary>
    /// Records a commit of the writer's stream (which pages it touched at which LSNs, its page count) before any read
    /// at its LSNs. Called in LSN order.
    /// </summary>
    void Observe(RedoBatch batch, AppendResult lsns);

    /// <summary>The writer's volume durable LSN moved: <see cref="IVolume.DurableLsn"/> becomes <paramref name="vdl"/>.</summary>
    void AdvanceDurable(Lsn vdl);
}
