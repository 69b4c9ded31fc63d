namespace Backpack.Gateway.Fix.Tests;

/// <summary>A test class with a folder of its own under the system's temporary folder, deleted with all in it after each test.</summary>
public abstract class TemporaryFolderTest(string prefix) : IDisposable
{
    protected string Folder { get; } = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
