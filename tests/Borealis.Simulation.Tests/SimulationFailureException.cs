namespace Borealis.Simulation.Tests;

/// <summary>A seed failed; the message holds the seed, the replay command, the fault plan and the end of the trace.</summary>
public sealed class SimulationFailureException(int seed, string message, Exception innerException) : Exception(message, innerException)
{
    public int Seed { get; } = seed;
}
