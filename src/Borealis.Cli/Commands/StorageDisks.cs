using Borealis.Storage;

namespace Borealis.Cli.Commands;

/// <summary>
/// Opens a storage node's disk. <c>Borealis.Storage.FileStorageDisk</c> (written with the node core) is found by
/// name so that this command builds before it lands; replace the lookup with <c>new FileStorageDisk(directory)</c>
/// once it is on main.
/// </summary>
internal static class StorageDisks
{
    public static IStorageDisk Open(string directory)
    {
        var type = typeof(IStorageDisk).Assembly.GetType("Borealis.Storage.FileStorageDisk")
            ?? throw new StorageException("this build has no file storage disk (Borealis.Storage.FileStorageDisk)");
        return (IStorageDisk)Activator.CreateInstance(type, directory)!;
    }
}
