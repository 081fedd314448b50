namespace Borealis.Hosting;

/// <summary>What <c>./borealis up</c> asks the supervisor for.</summary>
public sealed record SupervisorOptions(DataDirectory Data, int Port, string Password);
