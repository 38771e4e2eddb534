namespace OrleansSafety.TestSupport;

/// <summary>Where the repository is: the directory above the test binaries that holds OrleansSafety.sln.</summary>
public static class Repository
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansSafety.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("OrleansSafety.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => LazyRoot.Value;
}
