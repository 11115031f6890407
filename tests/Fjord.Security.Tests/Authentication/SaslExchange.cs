using Fjord.Security.Authentication;

namespace Fjord.Security.Tests.Authentication;

/// <summary>Runs a client against a server the way the broker and an inter-broker connection would.</summary>
internal static class SaslExchange
{
    public static async Task<SaslStep> RunAsync(ISaslClient client, ISaslServer server, CancellationToken ct = default)
    {
        var message = client.InitialResponse();
        for (var round = 0; round < 10; round++)
        {
            var step = await server.EvaluateAsync(message, ct);
            var reply = client.EvaluateChallenge(step.Challenge);
            if (step.IsComplete)
            {
                Assert.Null(reply);
                Assert.True(client.IsComplete);
                return step;
            }

            message = reply ?? throw new InvalidOperationException("the client has nothing to say but the server is not done");
        }

        throw new InvalidOperationException("the exchange did not end");
    }
}
