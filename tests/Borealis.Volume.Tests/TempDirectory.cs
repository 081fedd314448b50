namespace Borealis.Volume.Tests;

/// <summary>A fresh directory under the system temp path, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "borealis-volume-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>
    /// Copies a volume directory in the order a crash snapshot needs when only the log is being written:
    /// metadata and manifest first, then the page store, then the log (which only grows).
    /// </summary>
    public static void CopyVolume(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string name in new[] { "volume", "checkpoint", "pages.db" })
        {
            string from = System.IO.Path.Combine(source, name);
            if (File.Exists(from))
                File.Copy(from, System.IO.Path.Combine(destination, name));
        }
        string log = System.IO.Path.Combine(source, "log");
        string logCopy = System.IO.Path.Combine(destination, "log");
        Directory.CreateDirectory(logCopy);
        foreach (string file in Directory.GetFiles(log))
        {
            try
            {
                File.Copy(file, System.IO.Path.Combine(logCopy, System.IO.Path.GetFileName(file)));
            }
            catch (FileNotFoundException)
            {
                // Deleted by a checkpoint meanwhile.
            }
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
