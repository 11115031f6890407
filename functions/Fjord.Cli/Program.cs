using Fjord.Cli;

return await FjordCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
