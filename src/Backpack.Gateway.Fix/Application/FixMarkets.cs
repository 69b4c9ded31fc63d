using System.Text;
using Backpack.Gateway.Protocol.Markets;

namespace Backpack.Gateway.Fix.Application;

/// <summary>The markets as FIX sees them: symbol bytes to definition, and the units conversions for prices and quantities.</summary>
public sealed class FixMarkets
{
    private readonly MarketDefinition[] _markets;
    private readonly byte[][] _symbols;
    private readonly MarketUnits[] _units;

    public FixMarkets(IReadOnlyList<MarketDefinition> markets)
    {
        _markets = markets.ToArray();
        _symbols = _markets.Select(m => Encoding.ASCII.GetBytes(m.Symbol)).ToArray();
        _units = _markets.Select(m => new MarketUnits(m)).ToArray();
    }

    public int Count => _markets.Length;

    /// <summary>Market by protocol id (1-based).</summary>
    public MarketDefinition this[int marketId] => _markets[marketId - 1];

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
