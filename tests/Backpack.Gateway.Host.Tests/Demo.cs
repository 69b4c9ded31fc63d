using Backpack.Gateway.Host.Configuration;

namespace Backpack.Gateway.Host.Tests;

/// <summary>The demo configuration of config/ and its accounts' keys.</summary>
internal static class Demo
{
    public static readonly GatewaySettings Settings = GatewaySettings.Load(GatewayHost.LoadConfiguration(null, []));

    public static byte[] SecretOf(string name) => Convert.FromBase64String(Settings.Accounts.Single(a => a.Name == name).ApiSecret!);
}
