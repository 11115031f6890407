using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using Fjord.Security.Authentication;
using Fjord.Security.Credentials;

namespace Fjord.Benchmarks.Security;

/// <summary>
/// What one SCRAM-SHA-512 authentication (4096 iterations) costs the broker's CPU: a whole server-side exchange
/// (client-first, server-first, client-final with the proof checked, server-final) for a known user, and for an
/// unknown one (which runs the same steps against a fake credential). The server never runs PBKDF2, the client
/// does: <see cref="ClientSideExchange"/> is that cost, for scale (a load generator pays it per authentication).
/// Nonces are fixed so that the client messages can be computed once.
/// </summary>
[MemoryDiagnoser]
public class ScramAuthenticationBenchmarks
{
    private const string User = "alice";
    private const string Password = "alice-secret";
    private const string ClientNonce = "rOprNGfwEbeRWgbNEkqO";
    private const string ServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private const ScramMechanism Mechanism = ScramMechanism.ScramSha512;

    private readonly Lookup _credentials = new();
    private byte[] _clientFirst = null!;
    private byte[] _clientFinal = null!;
    private byte[] _unknownClientFirst = null!;
    private byte[] _unknownClientFinal = null!;
    private byte[] _serverFirst = null!;

    [GlobalSetup]
    public void Setup()
    {
        _credentials.Credential = ScramCredentials.Create(Mechanism, Password, ScramMechanisms.MinIterations);
        (_clientFirst, _clientFinal) = Exchange(User);
        _serverFirst = new ScramSaslServer(Mechanism, _credentials, () => ServerNonce)
            .EvaluateAsync(_clientFirst, CancellationToken.None).AsTask().GetAwaiter().GetResult().Challenge;
        (_unknownClientFirst, _unknownClientFinal) = Exchange("mallory");
        if (!ServerExchange(_clientFirst, _clientFinal)) throw new InvalidOperationException("the precomputed exchange does not authenticate");
    }

    private (byte[] First, byte[] Final) Exchange(string user)
    {
        var client = new ScramSaslClient(Mechanism, user, Password, ClientNonce);
        var server = new ScramSaslServer(Mechanism, _credentials, () => ServerNonce);
        var first = client.InitialResponse();
        var serverFirst = server.EvaluateAsync(first, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return (first, client.EvaluateChallenge(serverFirst.Challenge)!);
    }

    private bool ServerExchange(byte[] clientFirst, byte[] clientFinal)
    {
        var server = new ScramSaslServer(Mechanism, _credentials, () => ServerNonce);
        server.EvaluateAsync(clientFirst, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        try
        {
            return server.EvaluateAsync(clientFinal, CancellationToken.None).AsTask().GetAwaiter().GetResult().IsComplete;
        }
        catch (SaslAuthenticationException)
        {
            return false;
        }
    }

    [Benchmark(Baseline = true)]
    public bool ServerSideExchange() => ServerExchange(_clientFirst, _clientFinal);

    [Benchmark]
    public bool ServerSideExchangeUnknownUser() => ServerExchange(_unknownClientFirst, _unknownClientFinal);

    [Benchmark]
    public byte[] ClientSideExchange()
    {
        var client = new ScramSaslClient(Mechanism, User, Password, ClientNonce);
        client.InitialResponse();
        return client.EvaluateChallenge(_serverFirst)!;
    }

    private sealed class Lookup : IScramCredentialLookup
    {
        public ScramCredential? Credential { get; set; }

        public bool TryGet(string user, ScramMechanism mechanism, [MaybeNullWhen(false)] out ScramCredential credential)
        {
            credential = user == User ? Credential : null;
            return credential is not null;
        }
    }
}
