using BenchmarkDotNet.Attributes;
using Backpack.Gateway.Engine;
using Backpack.Gateway.Protocol.Framing;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// The engine on one thread over the mixed flow (60% passive limits, 30% cancels, 10% crossing,
/// 3 markets, 10,000 accounts). Each invocation processes the whole recorded stream on a fresh
/// engine that already holds the starting book; results are per command. Two account mixes:
/// Uniform draws every command's account from all 10,000 (each command touches cold account and
/// position memory: the worst case); MarketMakers has 100 market makers place and cancel the
/// passive orders while all 10,000 accounts send the crossing orders (how real venue flow looks).
/// StopPercent 5 turns 5% of the commands into stop-market orders (and a fifth of the cancels into
/// stop cancels), to show what pending triggers cost the flow around them.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmark
{
    private const int Commands = 1_000_000;
    private MixedFlow _flow = null!;
    private MatchingEngine _engine = null!;
    private readonly FrameBuffer _output = new(1 << 20, 1 << 12);

    [Params("Uniform", "MarketMakers")]
    public string Accounts { get; set; } = "Uniform";

    /// <summary>Share of the commands that place stop orders (0, or 5 as the mixed flow with stops).</summary>
    [Params(0, 5)]
    public int StopPercent { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _flow = MixedFlow.Generate(measuredCommands: Commands, marketMakers: Accounts == "MarketMakers" ? 100 : 0, stopPercent: StopPercent);
        Console.WriteLine("// Mixed flow: " + _flow.Mix);
    }

    [IterationSetup]
    public void IterationSetup() => _engine = _flow.PrepareEngine();

    [Benchmark(OperationsPerInvoke = Commands)]
    public long MixedFlowCommand() => _flow.RunMeasured(_engine, _output);
}
