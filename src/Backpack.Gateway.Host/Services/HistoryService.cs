using Backpack.Gateway.Engine;
using Backpack.Gateway.Engine.Journal;
using Backpack.Gateway.History;
using Backpack.Gateway.Protocol.Framing;
using Backpack.Gateway.Protocol.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backpack.Gateway.Host.Services;

/// <summary>
/// The history projection (section History; docs/history.md): follows the engine's events into
/// the history database on a thread of its own. At start, before the engine runs, a history that is
/// behind the recovered engine (a new or deleted database, a crash before its last batch was
/// written, batches it dropped) catches up by replaying the journal from its start into a second
/// engine and projecting the events after its cursor; one ahead of the journal (a deleted journal) is
/// dropped and rebuilt the same way.
/// </summary>
public sealed class HistoryService : IHostedService, IAsyncDisposable
{
    private readonly HistoryProjector? _projector;
    private readonly ILogger<HistoryService> _log;

    public HistoryService(Venue venue, ILogger<HistoryService> log)
    {
        _log = log;
        var options = venue.Settings.History;
        if (!options.Enabled) return;
        Database = options.Database(venue.Settings.Journal.Directory);
        _projector = new HistoryProjector(Database, options.MaxBacklogBatches) { OnError = e => log.LogError(e, "A batch of events could not be written to the history") };
        long cursor;
        try
        {
            cursor = _projector.Open();
        }
        catch (HistorySchemaException e)
        {
            log.LogWarning("{Problem}: rebuilt from the journal", e.Message);
            Database.Drop();
            cursor = _projector.Open();
        }
        long target = venue.Engine.LastSequence;
        if (cursor > target)
        {
            log.LogWarning("History is at sequence {Cursor}, past the journal's end {Target}: rebuilt from the journal", cursor, target);
            Database.Drop();
            cursor = _projector.Open();
        }
        if (cursor < target && venue.Settings.Journal.Enabled) CatchUp(venue, cursor, target);
        Reader = new HistoryReader(Database);
        venue.Runner.AddConsumer(_projector);
    }

    public HistoryDatabase? Database { get; }

    /// <summary>Queries of the history (null when History:Enabled is false).</summary>
    public HistoryReader? Reader { get; }

    public HistoryProjector? Projector => _projector;

    private void CatchUp(Venue venue, long cursor, long target)
    {
        var started = DateTime.UtcNow;
        var engine = new MatchingEngine(venue.Markets, venue.Settings.Engine);
        var output = new FrameBuffer();
        var batches = new List<EventBatch>();
        long projected = 0;
        JournalReader.Read(venue.Settings.Journal.Directory, 0, (frame, sequence) =>
        {
            if (sequence > target) return;
            output.Clear();
            engine.Process(frame, output);
            if (sequence <= cursor) return;
            batches.Add(EventBatch.Copy(output));
            projected++;
            if (batches.Count == 1_000) Flush();
        });
        Flush();
        _log.LogInformation("History caught up from sequence {Cursor} to {Target}: {Commands} commands replayed from the journal in {Seconds:F1} s",
            cursor, target, projected, (DateTime.UtcNow - started).TotalSeconds);

        void Flush()
        {
            _projector!.ApplyAll(batches);
            batches.Clear();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _projector?.Start();
        if (_projector is not null) _log.LogInformation("History in {Provider} at sequence {Cursor}", Database!.Provider, _projector.Cursor);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After the engine's last events (FrontEndCloser): the queue is written out and the projection stops.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_projector is not null) await _projector.DisposeAsync().ConfigureAwait(false);
    }
}
