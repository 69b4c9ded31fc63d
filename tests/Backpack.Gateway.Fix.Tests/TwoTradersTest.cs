namespace Backpack.Gateway.Fix.Tests;

/// <summary>
/// A gateway with two traders logged on over FIX: accounts A and B hold 100,000 USDC each and
/// SOL_USDC_PERP's index stands at 180.00. Each test gets a fresh host.
/// </summary>
public abstract class TwoTradersTest : IAsyncLifetime
{
    protected FixTestHost _host = null!;
    protected FixTestClient _a = null!;
    protected FixTestClient _b = null!;

    public Task InitializeAsync()
    {
        _host = new FixTestHost();
        (_a, _b) = _host.LogOnTraders();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await _host.DisposeAsync();
    }
}
