namespace Borealis.Storage;

/// <summary>A storage node cannot use its data or has failed.</summary>
public sealed class StorageException(string message, Exception? innerException = null) : Exception(message, innerException);
