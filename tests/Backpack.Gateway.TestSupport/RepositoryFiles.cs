namespace Backpack.Gateway.TestSupport;

/// <summary>Finds files of this repository (docs, config) from the test's output folder.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Backpack.Gateway.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("repository root (Backpack.Gateway.sln) not found above " + AppContext.BaseDirectory);
    }
}
