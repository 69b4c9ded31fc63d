using System.Diagnostics;
using Backpack.Gateway.Protocol.Framing;

namespace Backpack.Gateway.Engine.Journal;

/// <summary>What a start-up recovery did.</summary>
/// <param name="Commands">commands replayed from the journal</param>
/// <param name="LastSequence">the engine's sequence number afterwards</param>
/// <param name="TornBytes">bytes of a torn last record cut off (0 when the journal ended cleanly)</param>
/// <param name="Elapsed">time the read and the replay took</param>
/// <param name="StateHash">the engine's state hash afterwards</param>
public sealed record RecoveryReport(long Commands, long LastSequence, long TornBytes, TimeSpan Elapsed, ulong StateHash);

/// <summary>
/// Rebuilds the engine from its journal before the engine thread starts: every record after the
/// engine's current sequence number is processed again in order (the engine is deterministic, so
/// the state comes out the same). A record the engine does not take in sequence stops the start:
/// the journal and the engine disagree.
/// </summary>
public static class JournalRecovery
{
    /// <summary>Locks the journal, replays it into the engine and opens it for appending (a torn tail is cut off); the writer holds the lock.</summary>
    /// <param name="afterCommand">called on each replayed command with its sequence number and events (and the engine after it)</param>
    public static (RecoveryReport Report, JournalWriter Writer) Recover(MatchingEngine engine, JournalOptions options,
        Action<long, FrameBuffer, MatchingEngine>? afterCommand = null)
    {
        // Taken before reading: nobody else may be writing what is read (and cut) here.
        var journalLock = JournalLock.Acquire(options.Directory);
        try
        {
            var (report, scan) = Replay(engine, options.Directory, afterCommand);
            return (report, new JournalWriter(options, scan, journalLock));
        }
        catch
        {
            journalLock.Dispose();
            throw;
        }
    }

    /// <summary>Replays the journal of a folder into the engine, changing no file (the replay tool's read).</summary>
    public static (RecoveryReport Report, JournalScan Scan) Replay(MatchingEngine engine, string directory, Action<long, FrameBuffer, MatchingEngine>? afterCommand = null)
    {
        var watch = Stopwatch.StartNew();
        var output = new FrameBuffer(1 << 20, 1 << 12);
        long from = engine.LastSequence;
        var scan = JournalReader.Read(directory, from, (frame, sequence) =>
        {
            output.Clear();
            engine.Process(frame, output);
            if (engine.LastSequence != sequence) throw new InvalidDataException($"journal record {sequence} was not taken by the engine (at sequence {engine.LastSequence})");
            afterCommand?.Invoke(sequence, output, engine);
        });
        if (scan.LastSequence < from)
        {
            throw new JournalBehindSnapshotException($"the journal in {directory} ends at sequence {scan.LastSequence}, before the snapshot's {from}: commands are missing");
        }
        if (scan.LastSequence > from && engine.LastSequence != scan.LastSequence)
        {
            throw new InvalidDataException($"the journal ends at sequence {scan.LastSequence} but the engine is at {engine.LastSequence}");
        }
        watch.Stop();
        return (new RecoveryReport(scan.Records, engine.LastSequence, scan.TornBytes, watch.Elapsed, engine.ComputeStateHash()), scan);
    }
}

/// <summary>The journal ends before the snapshot the engine was loaded from (an older snapshot may still do).</summary>
public sealed class JournalBehindSnapshotException(string message) : Exception(message);
