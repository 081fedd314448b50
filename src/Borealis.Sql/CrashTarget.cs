namespace Borealis.Sql;

/// <summary>What <c>ALTER SYSTEM CRASH</c> crashes (Aurora's fault-injection query).</summary>
public enum CrashTarget
{
    /// <summary>The database instance (the default).</summary>
    Instance,

    /// <summary>The dispatcher: the part of the writer that sends redo to the volume.</summary>
    Dispatcher,

    /// <summary>Both the instance and the dispatcher, and the buffer cache is dropped.</summary>
    Node,
}
