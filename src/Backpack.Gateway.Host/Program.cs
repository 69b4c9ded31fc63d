using System.CommandLine;
using Backpack.Gateway.Host;
using Backpack.Gateway.Host.Cli;
using Backpack.Gateway.Host.Configuration;
using Microsoft.Extensions.Hosting;

var root = new RootCommand("Backpack.Gateway: a FIX 4.4 and WebSocket trading gateway for a perpetual-futures venue. " +
                           "Without a subcommand it runs the venue; settings can be overridden with --Section:Key=value.")
{
    TreatUnmatchedTokensAsErrors = false,
};
var configFile = new Option<string?>("--config") { Description = "An extra JSON configuration file, applied over config/gateway.json" };
root.Options.Add(configFile);
root.Subcommands.Add(SimulateCommand.Create());
root.SetAction(async (parse, cancellation) =>
{
    Microsoft.AspNetCore.Builder.WebApplication host;
    try
    {
        host = GatewayHost.Build(GatewayHost.LoadConfiguration(parse.GetValue(configFile), parse.UnmatchedTokens.ToArray()));
    }
    catch (Exception e) when (e is ConfigurationException or FileNotFoundException or FormatException or InvalidDataException)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
    await host.RunAsync(cancellation);
    return 0;
});
return await root.Parse(args).InvokeAsync();
