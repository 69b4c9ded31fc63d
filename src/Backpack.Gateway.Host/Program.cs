using System.CommandLine;
using Backpack.Gateway.Host;
using Backpack.Gateway.Host.Cli;
using Backpack.Gateway.Host.Configuration;
using Backpack.Gateway.Host.Services;
using Microsoft.Extensions.Hosting;

var root = new RootCommand("Backpack.Gateway: a FIX 4.4 and WebSocket trading gateway for a perpetual-futures venue. " +
                           "Without a subcommand it runs the venue; settings can be overridden with --Section:Key=value.")
{
    TreatUnmatchedTokensAsErrors = false,
};
var configFile = new Option<string?>("--config") { Description = "An extra JSON configuration file, applied over config/gateway.json", Recursive = true };
var scenario = new Option<string?>("--scenario") { Description = "Start this crash scenario of config/scenarios after PriceFeed:ScenarioDelay (20 s by default)" };
var scenarioSpeed = new Option<double?>("--scenario-speed") { Description = "Playback speed of --scenario (10 plays it ten times faster)" };
root.Options.Add(configFile);
root.Options.Add(scenario);
root.Options.Add(scenarioSpeed);
root.Subcommands.Add(SimulateCommand.Create());
root.Subcommands.Add(ReplayCommand.Create(configFile));
root.SetAction(async (parse, cancellation) =>
{
    Microsoft.AspNetCore.Builder.WebApplication host;
    try
    {
        var overrides = parse.UnmatchedTokens.ToList();
        if (parse.GetValue(scenario) is { } name) overrides.Add("--PriceFeed:Scenario=" + name);
        if (parse.GetValue(scenarioSpeed) is { } speed) overrides.Add("--PriceFeed:ScenarioSpeed=" + speed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        host = GatewayHost.Build(GatewayHost.LoadConfiguration(parse.GetValue(configFile), overrides.ToArray()));
    }
    catch (Exception e) when (e is ConfigurationException or FileNotFoundException or FormatException or InvalidDataException)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
    catch (RecoveryFailedException e)
    {
        // Nothing is opened on a state that may be wrong: the journal must be looked at (docs/durability.md).
        Console.Error.WriteLine(e.Message);
        return 3;
    }
    try
    {
        await host.RunAsync(cancellation);
    }
    catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
    {
        Console.Error.WriteLine(e.Message + " (set another with --WebSocket:Listen=127.0.0.1:<port>, or --WebSocket:HttpsListen for the HTTPS port)");
        return 1;
    }
    catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }
    return 0;
});
return await root.Parse(args).InvokeAsync();
