namespace Borealis.Engine;

/// <summary>A write was attempted on a read replica (MySQL error 1290, --read-only).</summary>
public sealed class DatabaseReadOnlyException : InvalidOperationException
{
    public DatabaseReadOnlyException()
        : base("The database is a read-only replica; it cannot execute writes.")
    {
    }
}
