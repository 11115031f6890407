using Fjord.Broker;

return await BrokerProgram.RunAsync(args, BrokerStartOptions.Default);
