namespace Borealis.Sql.Execution;

/// <summary>One row of SHOW WARNINGS.</summary>
internal sealed record SqlWarning(string Level, int Code, string Message);
