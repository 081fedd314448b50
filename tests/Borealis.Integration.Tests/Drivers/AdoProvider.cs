using System.Data.Common;

namespace Borealis.Integration.Tests.Drivers;

/// <summary>How an ADO.NET provider differs for the matrix: the error code and SQLSTATE of its exception, and how
/// it reads a DECIMAL wider than <see cref="decimal"/> (DECIMAL(65,30)) as exact text, or null.</summary>
public sealed record AdoProvider(string Name, Func<DbConnection> Connect, Func<DbException, (int Code, string? SqlState)> Error,
    Func<DbDataReader, int, string?> ReadWideDecimal);
