using BenchmarkDotNet.Attributes;
using Backpack.Gateway.Protocol.Security;

namespace Backpack.Gateway.Benchmarks;

/// <summary>
/// One Ed25519 verification as a logon or a signed REST request costs it: Backpack's signed string
/// for an order, under a configured API key (parsed once and cached, as the front ends do). The
/// baseline is the OpenSSL P/Invoke path the gateway used before NSec, in the same run.
/// </summary>
[MemoryDiagnoser]
public class SignatureBenchmark
{
    private readonly byte[] _message = "instruction=orderExecute&orderType=Limit&price=141&quantity=12&side=Bid&symbol=SOL_USDC_PERP&timestamp=1750793021519&window=5000"u8.ToArray();
    private byte[] _signature = null!;
    private string _apiKey = null!;
    private IntPtr _openSslKey;

    [GlobalSetup]
    public void Setup()
    {
        byte[] key = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        _apiKey = Convert.ToBase64String(Ed25519.PublicKeyOf(key));
        _signature = Ed25519.Sign(key, _message);
        _openSslKey = OpenSslEd25519.ParsePublicKey(Ed25519.PublicKeyOf(key));
        if (!Verify() || !VerifyOpenSsl()) throw new InvalidOperationException("the benchmark's signature does not verify");
    }

    [Benchmark]
    public bool Verify() => Ed25519.VerifyWithApiKey(_apiKey, _message, _signature);

    [Benchmark(Baseline = true)]
    public bool VerifyOpenSsl() => OpenSslEd25519.Verify(_openSslKey, _message, _signature);
}
