namespace Fjord.Cli;

/// <summary>What <c>fjord</c> exits with, as scripts test it.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The operation was tried and failed: storage unreachable, no such tenant, a deletion that did not finish in time.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: unknown command or option, a missing or malformed value, an illegal tenant id.</summary>
    public const int Usage = 2;
}
