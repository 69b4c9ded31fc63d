using Backpack.Gateway.Engine.State;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host.Services;

/// <summary>
/// Takes a snapshot of the engine every Snapshots:Interval while the venue runs: the copy is made on
/// the engine thread between two batches (an inspection, a few milliseconds), the file is written
/// here, off that thread, and the oldest files beyond Snapshots:Keep are deleted. The one at
/// shutdown is taken by <see cref="EngineService"/> once the engine thread has ended.
/// </summary>
public sealed class SnapshotService(Venue venue, ILogger<SnapshotService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var options = venue.Settings.Snapshots;
        if (!options.Enabled || options.Interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(options.Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    var snapshot = await venue.Runner.InspectAsync(EngineSnapshot.Capture);
                    Write(venue, snapshot, log);
                }
                catch (IOException e)
                {
                    // A full disk or a bad folder must not stop the venue: the journal still has everything.
                    log.LogError(e, "Snapshot failed; the next one is due in {Interval}", options.Interval);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
            // The engine stopped first.
        }
    }

    /// <summary>Writes a captured snapshot, prunes old ones and logs the figures.</summary>
    public static void Write(Venue venue, EngineSnapshot snapshot, ILogger log)
    {
        var options = venue.Settings.Snapshots;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        string path = snapshot.Write(options.Directory, venue.Markets);
        EngineSnapshot.Prune(options.Directory, options.Keep);
        log.LogInformation("Snapshot at sequence {Sequence} ({Bytes:N0} bytes, state hash {Hash:x16}): engine paused {Pause:F1} ms (copy {Copy:F1} ms), written in {Written} ms to {Path}",
            snapshot.Sequence, snapshot.Payload.Count, snapshot.StateHash, snapshot.Pause.TotalMilliseconds, snapshot.Copy.TotalMilliseconds, watch.ElapsedMilliseconds, path);
    }
}
