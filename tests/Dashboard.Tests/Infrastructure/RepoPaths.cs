namespace OrleansSafety.Dashboard.Tests.Infrastructure;

public static class RepoPaths
{
    /// <summary>The repository root: the first folder above the test binaries that holds OrleansSafety.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>docs/images/{fileName}, creating the folder when needed.</summary>
    public static string DocsImage(string fileName)
    {
        var folder = Path.Combine(Root, "docs", "images");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, fileName);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansSafety.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"OrleansSafety.sln not found above {AppContext.BaseDirectory}.");
    }
}
