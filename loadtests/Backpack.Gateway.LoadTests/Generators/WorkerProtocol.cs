using System.Globalization;
using System.Text.Json;
using Backpack.Gateway.LoadTests.Measurement;
using Backpack.Gateway.LoadTests.Simulation;
using Backpack.Gateway.LoadTests.Venue;

namespace Backpack.Gateway.LoadTests.Generators;

/// <summary>
/// The lines a run and its worker processes exchange. The run writes commands to a worker's
/// standard input (<c>run &lt;start ticks&gt;</c>, <c>crash &lt;start&gt; &lt;end|inf&gt;</c>,
/// <c>collect &lt;file&gt;</c>, <c>stop</c>); the worker answers on its standard output with lines
/// that begin with <c>@</c> (<c>@ready &lt;set-up JSON&gt;</c>, <c>@ran</c>, <c>@collected</c>,
/// <c>@failed &lt;why&gt;</c>); any other line it writes is its log.
/// </summary>
public static class WorkerProtocol
{
    public const string Prefix = "@";
    public const string Ready = "@ready", Ran = "@ran", Collected = "@collected", Failed = "@failed";
    public const string Run = "run", Crash = "crash", Collect = "collect", Stop = "stop";

    public static readonly JsonSerializerOptions Json = new() { IncludeFields = true };

    /// <summary>The worker's side: slice <paramref name="slice"/> of <paramref name="slices"/> of the fleet, driven by its standard input.</summary>
    public static async Task<int> RunWorkerAsync(LoadTestOptions options, int slice, int slices, CancellationToken cancellation)
    {
        LocalGenerator? generator = null;
        try
        {
            using var admin = new AdminApi(options.HttpBase, options.AdminToken);
            await admin.WaitReadyAsync(TimeSpan.FromSeconds(30), cancellation);
            var summary = await admin.SummaryAsync(cancellation);
            var markets = new MarketView(summary.Markets.Select(m => new MarketInfo(m.Symbol, m.TickSize, m.StepSize, m.Mark, m.Index)).ToList());
            var recorder = new RunRecorder(new RunClock());
            generator = new LocalGenerator(options, FleetAccounts.Load(options.AccountsFile), markets, recorder, slice, slices, Console.Out);
            var setup = await generator.PrepareAsync(cancellation);
            Console.WriteLine($"{Ready} {JsonSerializer.Serialize(setup, Json)}");
            Task running = Task.CompletedTask;
            while (await Console.In.ReadLineAsync(cancellation) is { } line)
            {
                var words = line.Split(' ', 2);
                switch (words[0])
                {
                    case Run:
                        long start = long.Parse(words[1], CultureInfo.InvariantCulture);
                        running = Task.Run(async () =>
                        {
                            try
                            {
                                await generator.RunAsync(start, cancellation);
                                Console.WriteLine(Ran);
                            }
                            catch (Exception e) when (e is not OperationCanceledException)
                            {
                                Console.WriteLine($"{Failed} {e.Message.ReplaceLineEndings(" ")}"); // the run waits for @ran: tell it now
                                throw;
                            }
                        }, cancellation);
                        break;
                    case Crash:
                        var times = words[1].Split(' ');
                        generator.OnCrash(double.Parse(times[0], CultureInfo.InvariantCulture),
                            times[1] == "inf" ? double.PositiveInfinity : double.Parse(times[1], CultureInfo.InvariantCulture));
                        break;
                    case Collect:
                        await running;
                        var result = await generator.CollectAsync(withFigures: true, cancellation);
                        await File.WriteAllTextAsync(words[1], JsonSerializer.Serialize(result, Json), cancellation);
                        Console.WriteLine(Collected);
                        break;
                    case Stop:
                        return 0;
                    default:
                        throw new FormatException($"unknown command from the run: {line}");
                }
            }
            return 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.WriteLine($"{Failed} {e.Message.ReplaceLineEndings(" ")}");
            return 3;
        }
        finally
        {
            if (generator is not null) await generator.DisposeAsync();
        }
    }
}
