using Backpack.Gateway.Fix.Application;
using Backpack.Gateway.Fix.Dictionary;
using Backpack.Gateway.Fix.Session;
using Backpack.Gateway.Fix.Transport;
using Backpack.Gateway.Protocol.Events;
using Backpack.Gateway.Protocol.Markets;
using Backpack.Gateway.Protocol.Pipeline;

namespace Backpack.Gateway.Fix;

/// <summary>
/// The whole FIX side assembled from <see cref="FixOptions"/>: the order gateway (register
/// <see cref="Gateway"/> as a consumer of the engine's events before the engine starts), one
/// <see cref="FixSession"/> per configured session with its message store, and the acceptor.
/// </summary>
public sealed class FixFrontEnd : IAsyncDisposable
{
    private readonly List<IMessageStore> _stores = [];
    private readonly List<FixOrderLog> _orderLogs = [];
    private readonly AppliedSequence _applied;
    private bool _stopped;

    public FixFrontEnd(FixOptions options, IReadOnlyList<MarketDefinition> markets, ICommandSubmitter submitter, Func<long> clock, FixDictionary? dictionary = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid FIX configuration: " + string.Join("; ", errors));
        Options = options;
        Dictionary = dictionary ?? LoadDictionary();
        Gateway = new FixGateway(markets, submitter, clock);
        MessageLog = options.MessageLog.Directory.Length > 0 && options.Sessions.Exists(s => s.MessageLog) ? new FixMessageLog(options.MessageLog, clock) : null;
        var sessions = new List<FixSession>();
        foreach (var settings in options.Sessions)
        {
            IMessageStore store = string.IsNullOrEmpty(options.StoreDirectory)
                ? new MemoryMessageStore()
                : new FileMessageStore(options.StoreDirectory, settings.Id);
            _stores.Add(store);
            var session = new FixSession(settings, store, Dictionary, Gateway, clock);
            if (settings.MessageLog) session.MessageLog = MessageLog?.Register("FIX.4.4", settings.SenderCompId, settings.TargetCompId);
            sessions.Add(session);
            _orderLogs.Add(new FixOrderLog(options.StoreDirectory, settings.Id));
        }
        Sessions = sessions;
        Gateway.Applied = _applied = new AppliedSequence(options.StoreDirectory);
        Acceptor = new FixAcceptor(options, sessions);
    }

    /// <summary>fixspec/FIX44.xml beside the program (it travels with the build output).</summary>
    public static FixDictionary LoadDictionary() => FixDictionary.Load(Path.Combine(AppContext.BaseDirectory, "fixspec", "FIX44.xml"));

    public FixOptions Options { get; }
    public FixDictionary Dictionary { get; }
    public FixGateway Gateway { get; }
    public IReadOnlyList<FixSession> Sessions { get; }
    public FixAcceptor Acceptor { get; }

    /// <summary>The sessions' message log (docs/fix.md, Message log); null when Fix:MessageLog:Directory is empty.</summary>
    public FixMessageLog? MessageLog { get; }

    /// <summary>
    /// Starts the gateway's dispatcher and listens (the engine should be running or about to). After a
    /// recovery, <paramref name="openOrders"/> gives each account's open orders read off the engine
    /// before its thread started (see <see cref="FixGateway.Start"/>).
    /// </summary>
    public void Start(Func<int, IReadOnlyList<OrderSnapshot>>? openOrders = null)
    {
        Gateway.Start(Sessions.Zip(_orderLogs), openOrders);
        Acceptor.Start();
    }

    /// <summary>
    /// Stops the FIX intake: stops listening and logs every session out. The gateway goes on
    /// turning engine events into stored reports (they reach the clients by resend on their next
    /// Logon) until <see cref="StopAsync"/>.
    /// </summary>
    public async Task StopAcceptingAsync(string reason = "Gateway shutting down")
    {
        if (_acceptorStopped) return;
        _acceptorStopped = true;
        await Acceptor.StopAsync(reason).ConfigureAwait(false);
        await Acceptor.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the intake (if not yet), then lets the gateway's dispatcher finish the event batches it
    /// has (call it after the engine has stopped, so that every event the engine made is stored),
    /// and closes the stores and order logs.
    /// </summary>
    public async Task StopAsync(string reason = "Gateway shutting down")
    {
        if (_stopped) return;
        _stopped = true;
        await StopAcceptingAsync(reason).ConfigureAwait(false);
        await Gateway.DisposeAsync().ConfigureAwait(false);
        foreach (var store in _stores) store.Dispose();
        foreach (var log in _orderLogs) log.Dispose();
        _applied.Dispose();
        MessageLog?.Dispose();
    }

    private bool _acceptorStopped;

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
