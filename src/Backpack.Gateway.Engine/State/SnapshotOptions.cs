namespace Backpack.Gateway.Engine.State;

/// <summary>Engine snapshots (section Snapshots): where, how often, how many are kept.</summary>
public sealed class SnapshotOptions
{
    /// <summary>Take snapshots and start from the newest valid one (the journal after it is replayed).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Folder of the snapshot files (relative to the working directory).</summary>
    public string Directory { get; set; } = "data/snapshots";

    /// <summary>Time between two snapshots while the venue runs; zero takes them only at shutdown.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Take one when the venue stops (after the engine thread has ended).</summary>
    public bool AtShutdown { get; set; } = true;

    /// <summary>How many snapshot files are kept (the newest); older ones are deleted.</summary>
    public int Keep { get; set; } = 3;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Directory)) problems.Add("Snapshots:Directory must be set");
        if (Interval < TimeSpan.Zero || (Interval > TimeSpan.Zero && Interval < TimeSpan.FromSeconds(1))) problems.Add("Snapshots:Interval must be zero or at least 00:00:01");
        if (Keep < 1) problems.Add("Snapshots:Keep must be at least 1");
        return problems;
    }
}
