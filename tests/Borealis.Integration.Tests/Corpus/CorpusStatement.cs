namespace Borealis.Integration.Tests.Corpus;

/// <summary>How the outcomes of a corpus statement on MariaDB and on Borealis are compared.</summary>
public enum Judge
{
    /// <summary>Same error code, or same affected rows, or the same columns and rows (after <see cref="Outcome.Normalise"/>).</summary>
    Exact,

    /// <summary>Result sets with the same column names and row count; values differ legitimately (clocks, ids, versions).</summary>
    Shape,

    /// <summary>Only the kind of outcome: both succeed (any rows), or both fail with the same error code.</summary>
    Succeeds,

    /// <summary>As <see cref="Exact"/>, and an error's message must be the same text too.</summary>
    ExactMessage,
}

/// <summary>
/// One statement of the corpus. By default Borealis must give MariaDB's outcome. <see cref="MySql"/> marks a
/// statement where MariaDB 10.11 and MySQL 8.0 differ: Borealis must give MySQL 8.0's outcome (written here) and
/// MariaDB must not. <see cref="Gap"/> marks a statement Borealis is known not to match (partial or not supported):
/// the reason and the error a user gets; it must still mismatch, so the list cannot go stale.
/// </summary>
public sealed record CorpusStatement(string Sql)
{
    public Judge Judge { get; init; } = Judge.Exact;

    /// <summary>MySQL 8.0's outcome as <see cref="Outcome.Render"/> writes it (values only for result sets), when MariaDB's differs.</summary>
    public string? MySql { get; init; }

    /// <summary>Why MariaDB differs from MySQL 8.0 (with <see cref="MySql"/>).</summary>
    public string? Why { get; init; }

    /// <summary>A known Borealis gap: what is missing and the error a user gets.</summary>
    public string? Gap { get; init; }
}

/// <summary>The statements that show one feature; one row of the table in docs/compatibility.md.</summary>
public sealed record CorpusGroup(string Feature, IReadOnlyList<CorpusStatement> Statements)
{
    public int Gaps => Statements.Count(s => s.Gap is not null);

    /// <summary>works (no known gap), partial, or not supported (every statement is a gap).</summary>
    public string Status => Gaps == 0 ? "works" : Gaps == Statements.Count ? "not supported" : "partial";
}
