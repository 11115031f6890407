using System.Globalization;
using System.Text;

namespace Fjord.Testing;

/// <summary>
/// Counts HTTP/1.1 requests in one client-to-server byte stream, fed in arbitrary pieces. It skips
/// each body by its Content-Length (or its chunks), because a Table storage batch carries whole
/// "PUT … HTTP/1.1" sub-requests in its body and counting request lines would count those too.
/// Not a validating parser: it only has to count what the Azure SDK sends.
/// </summary>
internal sealed class HttpRequestCounter
{
    private const int MaxHeaderBytes = 64 * 1024;
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    private readonly List<byte> _line = [];
    private readonly Action<string> _onRequest;
    private State _state = State.Headers;
    private int _headerEndMatched;
    private long _bodyLeft;

    /// <param name="onRequest">Called once per request with its request line ("GET /path HTTP/1.1").</param>
    public HttpRequestCounter(Action<string> onRequest) => _onRequest = onRequest;

    private enum State
    {
        Headers,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailer,
    }

    public void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            switch (_state)
            {
                case State.Headers:
                    data = FeedHeaders(data);
                    break;
                case State.Body:
                case State.ChunkData:
                    {
                        var take = (int)Math.Min(_bodyLeft, data.Length);
                        _bodyLeft -= take;
                        data = data[take..];
                        if (_bodyLeft == 0)
                            _state = _state == State.Body ? State.Headers : State.ChunkDataEnd;
                        break;
                    }

                case State.ChunkDataEnd:
                    // The CRLF after a chunk's data.
                    data = SkipLine(data, out var ended);
                    if (ended)
                        _state = State.ChunkSize;
                    break;
                case State.ChunkSize:
                    data = ReadLine(data, out var line);
                    if (line is not null)
                    {
                        var size = line.Split(';')[0].Trim();
                        _bodyLeft = long.Parse(size, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                        _state = _bodyLeft == 0 ? State.Trailer : State.ChunkData;
                    }

                    break;
                case State.Trailer:
                    data = ReadLine(data, out var trailer);
                    if (trailer is { Length: 0 })
                        _state = State.Headers;
                    break;
            }
        }
    }

    private ReadOnlySpan<byte> FeedHeaders(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            var b = data[i];
            if (_line.Count < MaxHeaderBytes)
                _line.Add(b);
            _headerEndMatched = b == HeaderEnd[_headerEndMatched] ? _headerEndMatched + 1 : (b == '\r' ? 1 : 0);
            if (_headerEndMatched < HeaderEnd.Length)
                continue;

            _headerEndMatched = 0;
            var headers = Encoding.ASCII.GetString([.. _line]);
            _line.Clear();
            // Keep-alive connections may carry stray CRLFs between requests; they are not requests.
            if (headers.Trim().Length == 0)
                continue;
            var trimmed = headers.TrimStart('\r', '\n');
            var lineEnd = trimmed.IndexOf("\r\n", StringComparison.Ordinal);
            _onRequest(lineEnd < 0 ? trimmed : trimmed[..lineEnd]);
            StartBody(headers);
            return data[(i + 1)..];
        }

        return [];
    }

    private void StartBody(string headers)
    {
        _state = State.Headers;
        foreach (var raw in headers.Split("\r\n"))
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                continue;
            var name = raw[..colon].Trim();
            var value = raw[(colon + 1)..].Trim();
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                && value.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                _state = State.ChunkSize;
                return;
            }

            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var length) && length > 0)
            {
                _bodyLeft = length;
                _state = State.Body;
            }
        }
    }

    private ReadOnlySpan<byte> ReadLine(ReadOnlySpan<byte> data, out string? line)
    {
        var newline = data.IndexOf((byte)'\n');
        if (newline < 0)
        {
            _line.AddRange(data);
            line = null;
            return [];
        }

        _line.AddRange(data[..newline]);
        line = Encoding.ASCII.GetString([.. _line]).TrimEnd('\r');
        _line.Clear();
        return data[(newline + 1)..];
    }

    private ReadOnlySpan<byte> SkipLine(ReadOnlySpan<byte> data, out bool ended)
    {
        var rest = ReadLine(data, out var line);
        ended = line is not null;
        return rest;
    }
}
