using System.Collections.Immutable;

namespace Borealis.Storage.Protocol;

/// <summary>
/// The segments of one protection group. Normally <see cref="Next"/> is empty and <see cref="Members"/> holds 6
/// nodes, 2 per zone. During a membership change (Aurora's ABCDEF → ABCDEF∧ABCDEG → ABCDEG) both are set: a write
/// needs a write quorum of each set, a read a read quorum of either.
/// </summary>
/// <param name="Group">The group number: it holds pages <c>Group·P + 1 … (Group+1)·P</c> for P pages per group.</param>
/// <param name="MembershipEpoch">Bumped by every membership change of this group.</param>
/// <param name="Members">The current member nodes.</param>
/// <param name="Next">The members being moved to; empty unless a change is in progress.</param>
public sealed record GroupMembership(uint Group, long MembershipEpoch, ImmutableArray<NodeId> Members, ImmutableArray<NodeId> Next)
{
    /// <summary>True while a membership change is in progress.</summary>
    public bool InTransition => !Next.IsDefaultOrEmpty;

    /// <summary>Whether <paramref name="node"/> holds (or is hydrating) a segment of this group.</summary>
    public bool Contains(NodeId node) => Members.Contains(node) || (!Next.IsDefaultOrEmpty && Next.Contains(node));
}
