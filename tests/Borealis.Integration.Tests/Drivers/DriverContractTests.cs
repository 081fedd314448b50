using Borealis.Testing;

namespace Borealis.Integration.Tests.Drivers;

/// <summary>What every driver must do against Borealis: the type matrix round-trips, a rolled-back transaction leaves
/// no rows, and a duplicate key is 1062 / 23000. Each driver's class derives from this with its own report.</summary>
public abstract class DriverContractTests<TReport>(TReport report) : BorealisTest
    where TReport : DriverReport
{
    /// <summary>False for drivers that do not expose the SQLSTATE of a server error (PyMySQL).</summary>
    protected virtual bool ExposesSqlState => true;

    [Fact]
    public void EveryTypeRoundTripsWithParameters()
    {
        SkipIfUnavailable();
        TypeMatrix.AssertTypes(report.Root);
    }

    [Fact]
    public void ARolledBackTransactionLeavesNoRows()
    {
        SkipIfUnavailable();
        TypeMatrix.AssertRollback(report.Root);
    }

    [Fact]
    public void ADuplicateKeyIs1062WithSqlState23000()
    {
        SkipIfUnavailable();
        TypeMatrix.AssertDuplicateKey(report.Root, ExposesSqlState);
    }

    void SkipIfUnavailable()
    {
        if (report.SkipReason is { } reason)
            Assert.Skip(reason);
    }
}
