using System.CommandLine;
using Backpack.Gateway.Host.Cli;

var root = new RootCommand("Backpack.Gateway: a FIX 4.4 and WebSocket trading gateway for a perpetual-futures venue");
root.Subcommands.Add(SimulateCommand.Create());
return root.Parse(args).Invoke();
