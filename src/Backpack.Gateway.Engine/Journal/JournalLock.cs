namespace Backpack.Gateway.Engine.Journal;

/// <summary>
/// One process at a time per journal: an exclusive lock on <c>journal.lock</c> in the journal's
/// folder, taken before the journal is read and held until the writer closes. A second gateway
/// started on the same data would otherwise cut the live journal's newest records as a torn tail.
/// (.NET takes an advisory exclusive lock for FileShare.None on Linux.)
/// </summary>
public sealed class JournalLock : IDisposable
{
    public const string FileName = "journal.lock";

    private readonly FileStream _file;

    private JournalLock(FileStream file) => _file = file;

    /// <exception cref="JournalInUseException">another process holds the lock</exception>
    public static JournalLock Acquire(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            file.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId + "\n"));
            file.Flush();
            return new JournalLock(file);
        }
        catch (IOException e)
        {
            throw new JournalInUseException(Path.GetFullPath(directory), e);
        }
    }

    public void Dispose() => _file.Dispose();
}

/// <summary>Another process (or another venue in this one) uses the journal folder.</summary>
public sealed class JournalInUseException(string directory, Exception inner)
    : Exception($"the journal {directory} is in use by another process (its {JournalLock.FileName} is locked): one venue per data folder", inner);
