using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Fjord.Functions.Http;

/// <summary>
/// An answer the functions return: status, a few headers and a JSON body written with <see cref="ApiJson.Options"/>.
/// It writes the response itself instead of going through MVC's result executors, so it behaves the same under the
/// Functions worker and under the local host, which registers no MVC services.
/// </summary>
public sealed class ApiResult : IActionResult
{
    private const string Json = "application/json; charset=utf-8";
    private const string ProblemJson = "application/problem+json; charset=utf-8";

    private readonly object? _body;
    private readonly string? _contentType;
    private readonly KeyValuePair<string, string>[] _headers;

    private ApiResult(int status, object? body, string? contentType, KeyValuePair<string, string>[] headers)
    {
        Status = status;
        _body = body;
        _contentType = contentType;
        _headers = headers;
    }

    public int Status { get; }

    public static ApiResult Ok(object body, string? etag = null) => WithBody(StatusCodes.Status200OK, body, etag, null);

    public static ApiResult Created(object body, string etag, string location) => WithBody(StatusCodes.Status201Created, body, etag, location);

    public static ApiResult Accepted(object body, string etag, string location) => WithBody(StatusCodes.Status202Accepted, body, etag, location);

    public static ApiResult NoContent() => new(StatusCodes.Status204NoContent, null, null, []);

    public static ApiResult ForProblem(int status, string detail, params KeyValuePair<string, string>[] headers) =>
        new(status, new Problem("about:blank", ReasonPhrases.GetReasonPhrase(status), status, detail), ProblemJson, headers);

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = Status;
        foreach (var (name, value) in _headers)
            response.Headers[name] = value;
        if (_body is null) return;
        response.ContentType = _contentType;
        await JsonSerializer.SerializeAsync(response.Body, _body, _body.GetType(), ApiJson.Options, context.HttpContext.RequestAborted).ConfigureAwait(false);
    }

    private static ApiResult WithBody(int status, object body, string? etag, string? location)
    {
        var headers = new List<KeyValuePair<string, string>>(2);
        if (etag is not null) headers.Add(new(HeaderNames.ETag, etag));
        if (location is not null) headers.Add(new(HeaderNames.Location, location));
        return new ApiResult(status, body, Json, [.. headers]);
    }
}
