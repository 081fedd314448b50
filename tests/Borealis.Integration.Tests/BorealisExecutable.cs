namespace Borealis.Integration.Tests;

/// <summary>Finds the built <c>borealis</c> executable: $BOREALIS_EXE (set by ./test.sh), else the newest build under artifacts/.</summary>
public static class BorealisExecutable
{
    static readonly Lazy<string> s_path = new(Find);

    public static string Path => s_path.Value;

    static string Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("BOREALIS_EXE");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv))
            return fromEnv;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidates = new[] { "release", "debug" }
                .Select(c => System.IO.Path.Combine(dir.FullName, "artifacts", "bin", "Borealis.Cli", c, "borealis"))
                .Where(File.Exists)
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .ToList();
            if (candidates.Count > 0)
                return candidates[0];
        }
        throw new FileNotFoundException("borealis executable not found; build src/Borealis.Cli or set BOREALIS_EXE");
    }
}
