using System.Collections.Concurrent;
using Backpack.Gateway.Fix.Codec;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Protocol;
using Backpack.Gateway.Protocol.Commands;

namespace Backpack.Gateway.Fix.Application;

/// <summary>
/// Cancel on disconnect (docs/fix.md, section 3): a session with the option on (the setting
/// <see cref="FixSessionSettings.CancelOnDisconnect"/>, or CancelOnDisconnect(9001) Y/N on the
/// Logon, which overrides it for that logon) has the orders it placed and that are still open,
/// stops that have not fired included, canceled when it disconnects or logs out: one ordinary
/// CancelOrder command per order, so the engine journals them and the book moves for everyone.
/// With a grace period the cancel waits; a Logon of the session within it keeps the orders.
/// Stop-loss / take-profit legs, which the engine arms to protect a position, are left in place.
/// Everything here runs under the session's lock, like the rest of the session's order handling.
/// </summary>
public sealed partial class FixGateway
{
    private readonly ConcurrentDictionary<FixSession, CancelOnDisconnectState> _cancelOnDisconnect = new();
    private readonly object _graceGate = new();
    private Timer? _graceTimer;
    private int _graceRound; // 1 while a round of the grace timer runs

    /// <summary>How often cancels waiting out a grace period are checked.</summary>
    private static readonly TimeSpan GraceCheckPeriod = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether the session's current logon has cancel on disconnect on (for tests and operators).</summary>
    public bool CancelsOnDisconnect(FixSession session)
    {
        lock (session.Lock) return CancelState(session).Active;
    }

    private CancelOnDisconnectState CancelState(FixSession session) => _cancelOnDisconnect.GetOrAdd(session, static _ => new CancelOnDisconnectState());

    /// <summary>Keeps the Logon's CancelOnDisconnect(9001), which the dictionary has checked is Y or N, for <see cref="StartCancelOnDisconnect"/>.</summary>
    private void ReadCancelOnDisconnect(FixSession session, FixMessage logon) =>
        CancelState(session).Requested = logon.Has(FixTags.CancelOnDisconnect) ? logon.GetBool(FixTags.CancelOnDisconnect) : null;

    /// <summary>A logon: the option for this logon is the Logon's tag, else the setting; a cancel still waiting out its grace is dropped.</summary>
    private void StartCancelOnDisconnect(FixSession session)
    {
        var cancel = CancelState(session);
        cancel.Active = cancel.Requested ?? session.Settings.CancelOnDisconnect;
        cancel.Requested = null;
        cancel.Due = 0;
    }

    /// <summary>A logout or disconnect: cancels the session's open orders now, or once the grace period is over.</summary>
    private void EndCancelOnDisconnect(FixSession session)
    {
        var cancel = CancelState(session);
        if (!cancel.Active) return;
        cancel.Active = false;
        var grace = session.Settings.CancelOnDisconnectGrace;
        if (grace <= TimeSpan.Zero && CancelOpenOrders(_bySession[session])) return;
        cancel.Due = _clock() + (long)grace.TotalMicroseconds;
        StartGraceTimer();
    }

    private void StartGraceTimer()
    {
        lock (_graceGate) _graceTimer ??= new Timer(static g => ((FixGateway)g!).CancelWhenGraceEnds(), this, GraceCheckPeriod, GraceCheckPeriod);
    }

    /// <summary>The grace timer: cancels the orders of each session whose grace is over and that has not logged on again.</summary>
    private void CancelWhenGraceEnds()
    {
        if (Interlocked.Exchange(ref _graceRound, 1) == 1) return; // the previous round is still running
        try
        {
            foreach (var (session, cancel) in _cancelOnDisconnect)
            {
                lock (session.Lock)
                {
                    if (cancel.Due == 0 || session.IsLoggedOn || _clock() < cancel.Due) continue;
                    // A cancel the engine's full ring refused is tried again on the next round.
                    cancel.Due = CancelOpenOrders(_bySession[session]) ? 0 : _clock();
                }
            }
        }
        finally
        {
            Volatile.Write(ref _graceRound, 0);
        }
    }

    /// <summary>
    /// Submits a CancelOrder for each open order the session placed (not yet canceled this way).
    /// Returns false when the engine's ring stayed full (the rest is tried again later).
    /// </summary>
    private bool CancelOpenOrders(FixSessionState state)
    {
        foreach (var order in state.Orders.Open())
        {
            if (order.Kind != TriggerKind.Trigger || order.CanceledOnDisconnect) continue; // legs stay: they protect the position
            if (!Submit(new CancelOrder(new CommandHeader(0, 0, state.NextRequestId()), order.AccountId, order.MarketId,
                order.OrderId, order.OrderId == 0 ? order.ClientOrderId : 0))) return false;
            order.CanceledOnDisconnect = true;
        }
        return true;
    }

    private void StopGraceTimer()
    {
        lock (_graceGate)
        {
            _graceTimer?.Dispose();
            _graceTimer = null;
        }
    }

    /// <summary>A session's cancel-on-disconnect state (under the session's lock).</summary>
    private sealed class CancelOnDisconnectState
    {
        /// <summary>CancelOnDisconnect(9001) of the Logon being checked; null when absent.</summary>
        public bool? Requested;

        /// <summary>The option for the current logon.</summary>
        public bool Active;

        /// <summary>When (session clock, microseconds) the orders are to be canceled; 0 = nothing waits.</summary>
        public long Due;
    }
}
