using System.Diagnostics;

namespace Backpack.Gateway.Protocol.Pipeline;

/// <summary>
/// The one wait policy every front end uses when the engine's inbound ring is full: wait for room
/// before taking any lock (spin for <see cref="SpinFor"/>, then yield the core, up to
/// <see cref="GiveUpAfter"/>), then submit once. A submission itself never waits, so no session or
/// connection lock is ever held across a spin; a command that still finds the ring full is refused
/// as busy, and the client is told.
/// </summary>
public static class CommandWait
{
    /// <summary>Spinning first: the engine takes a full ring's worth of commands in well under this.</summary>
    public static readonly TimeSpan SpinFor = TimeSpan.FromMicroseconds(50);

    /// <summary>After this long without room the command is refused as busy.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMilliseconds(2);

    private static readonly long SpinTicks = (long)(SpinFor.TotalSeconds * Stopwatch.Frequency);
    private static readonly long GiveUpTicks = (long)(GiveUpAfter.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Waits (holding no lock) until the ring has room; false when it stayed full for <see cref="GiveUpAfter"/>.</summary>
    public static bool ForRoom(ICommandSubmitter submitter)
    {
        if (submitter.HasRoom) return true;
        long start = Stopwatch.GetTimestamp();
        var spin = new SpinWait();
        while (!submitter.HasRoom)
        {
            long waited = Stopwatch.GetTimestamp() - start;
            if (waited >= GiveUpTicks) return submitter.HasRoom; // one last look before refusing
            if (waited < SpinTicks) spin.SpinOnce(sleep1Threshold: -1);
            else Thread.Yield();
        }
        return true;
    }

    /// <summary>Waits for room, then submits once (the way for callers that hold no lock).</summary>
    public static bool Submit<T>(ICommandSubmitter submitter, in T command) where T : struct, IProtocolMessage<T> =>
        ForRoom(submitter) && submitter.TrySubmit(command);

    /// <summary>Waits for room, then submits an encoded command once.</summary>
    public static bool Submit(ICommandSubmitter submitter, ReadOnlySpan<byte> command) =>
        ForRoom(submitter) && submitter.TrySubmit(command);
}
