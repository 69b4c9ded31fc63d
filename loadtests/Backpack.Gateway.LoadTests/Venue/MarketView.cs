namespace Backpack.Gateway.LoadTests.Venue;

/// <summary>A market as the run sees it: its units from the admin summary and its latest mark and index prices from the public streams.</summary>
public sealed class MarketInfo(string symbol, decimal tickSize, decimal stepSize, decimal mark, decimal index)
{
    private long _markTicks = (long)Math.Round(mark / tickSize);
    private long _indexTicks = (long)Math.Round(index / tickSize);

    public string Symbol { get; } = symbol;
    public decimal TickSize { get; } = tickSize;
    public decimal StepSize { get; } = stepSize;

    public decimal Mark => Volatile.Read(ref _markTicks) * TickSize;

    /// <summary>The index: what the traders price their orders from (the mark follows the book, and the book them).</summary>
    public decimal Index => Volatile.Read(ref _indexTicks) * TickSize;

    public void OnMark(decimal mark, decimal index)
    {
        Volatile.Write(ref _markTicks, (long)Math.Round(mark / TickSize));
        Volatile.Write(ref _indexTicks, (long)Math.Round(index / TickSize));
    }

    public decimal RoundPrice(decimal price) => Math.Max(TickSize, Math.Round(price / TickSize) * TickSize);

    public decimal RoundQuantity(decimal quantity) => Math.Max(StepSize, Math.Floor(quantity / StepSize) * StepSize);
}

/// <summary>The markets of the venue under test, shared by every client of the run.</summary>
public sealed class MarketView(IReadOnlyList<MarketInfo> markets)
{
    private readonly Dictionary<string, MarketInfo> _bySymbol = markets.ToDictionary(m => m.Symbol, StringComparer.Ordinal);

    public IReadOnlyList<MarketInfo> Markets { get; } = markets;

    public MarketInfo? Find(string symbol) => _bySymbol.GetValueOrDefault(symbol);
}
