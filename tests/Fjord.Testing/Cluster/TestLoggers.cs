using Microsoft.Extensions.Logging;

namespace Fjord.Testing;

/// <summary>The logger factory of in-process brokers: warnings only, unless FJORD_TEST_LOG=info asks for the whole story.</summary>
internal static class TestLoggers
{
    public static ILoggerFactory Factory { get; } = LoggerFactory.Create(b => b
        .SetMinimumLevel(Environment.GetEnvironmentVariable("FJORD_TEST_LOG") == "info" ? LogLevel.Information : LogLevel.Warning)
        .AddSimpleConsole(o => o.SingleLine = true));
}
