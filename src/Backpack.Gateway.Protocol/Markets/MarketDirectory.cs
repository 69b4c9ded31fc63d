using System.Text;

namespace Backpack.Gateway.Protocol.Markets;

/// <summary>
/// The markets as the front ends see them: symbol bytes to protocol id, and each market's unit
/// conversions precomputed (text prices and quantities to ticks and lots and back).
/// </summary>
public sealed class MarketDirectory
{
    private readonly MarketDefinition[] _markets;
    private readonly byte[][] _symbols;
    private readonly MarketUnits[] _units;

    public MarketDirectory(IReadOnlyList<MarketDefinition> markets)
    {
        _markets = markets.ToArray();
        _symbols = _markets.Select(m => Encoding.ASCII.GetBytes(m.Symbol)).ToArray();
        _units = _markets.Select(m => new MarketUnits(m)).ToArray();
    }

    public int Count => _markets.Length;

    /// <summary>Market by protocol id (1-based).</summary>
    public MarketDefinition this[int marketId] => _markets[marketId - 1];

    /// <summary>True if the id names a market.</summary>
    public bool Contains(int marketId) => (uint)(marketId - 1) < (uint)_markets.Length;

    /// <summary>The unit conversions of a market (by protocol id), precomputed.</summary>
    public ref readonly MarketUnits Units(int marketId) => ref _units[marketId - 1];

    public ReadOnlySpan<byte> SymbolOf(int marketId) => _symbols[marketId - 1];

    /// <summary>The market id of a symbol, or 0.</summary>
    public int Find(ReadOnlySpan<byte> symbol)
    {
        for (int i = 0; i < _symbols.Length; i++)
        {
            if (symbol.SequenceEqual(_symbols[i])) return i + 1;
        }
        return 0;
    }
}
