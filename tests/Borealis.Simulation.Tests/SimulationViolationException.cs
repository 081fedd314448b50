namespace Borealis.Simulation.Tests;

/// <summary>An invariant of the system under test was broken (or a core misbehaved): the run fails with its seed.</summary>
public sealed class SimulationViolationException(string message, Exception? innerException = null) : Exception(message, innerException);
