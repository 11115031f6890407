using System.Text.Json;
using Azure;
using Fjord.ControlPlane.ApiKeys;
using Fjord.ControlPlane.Identity;
using Fjord.ControlPlane.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Fjord.Functions.Http;

/// <summary>
/// What every API function does around its own logic: make sure the tables exist, authenticate the bearer key,
/// read a strict JSON body, and turn refusals into problem+json. Anything unexpected is logged and answered with a
/// bare 500; bad input never gets that far, because it is refused before anything is written.
/// </summary>
public sealed partial class ApiRequests(ControlPlaneTables tables, BearerAuthenticator authenticator, ILogger<ApiRequests> logger)
{
    /// <summary>Bodies are small JSON documents; anything bigger is a mistake or an attack.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private const string BearerPrefix = "Bearer ";

    public async Task<IActionResult> RunAsync(HttpRequest request, Func<ApiKeyPrincipal, CancellationToken, Task<IActionResult>> handle)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handle);
        var ct = request.HttpContext.RequestAborted;
        try
        {
            await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
            var (check, caller) = await AuthenticateAsync(request, ct).ConfigureAwait(false);
            if (check == ApiKeyCheck.NoRole)
                return ApiResult.ForProblem(StatusCodes.Status403Forbidden, "The Entra ID token carries no Fjord app role: it needs the operator role, or the role of exactly one tenant");
            if (caller is null)
            {
                return ApiResult.ForProblem(StatusCodes.Status401Unauthorized, UnauthorizedDetail(check),
                    new KeyValuePair<string, string>(HeaderNames.WWWAuthenticate, "Bearer realm=\"fjord\""));
            }
            return await handle(caller, ct).ConfigureAwait(false);
        }
        catch (ApiProblemException e)
        {
            return ApiResult.ForProblem(e.Status, e.Message);
        }
        catch (TenantAdministrationException e)
        {
            return ApiResult.ForProblem(StatusOf(e.Kind), e.Message);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "TableNotFound")
        {
            LogStorageRefused(e, request.Method, request.Path);
            return ApiResult.ForProblem(StatusCodes.Status503ServiceUnavailable,
                "A table of the cluster is not there yet: no broker has started against this storage account, or the control plane's table settings differ from the brokers'. Retry once the brokers run.");
        }
        catch (Exception e) when (IsStorageUnavailable(e))
        {
            // Unreachable, throttled or failing storage: nothing was written that a retry would not redo.
            LogStorageRefused(e, request.Method, request.Path);
            return ApiResult.ForProblem(StatusCodes.Status503ServiceUnavailable, "The cluster's storage cannot be reached right now; retry later.",
                new KeyValuePair<string, string>(HeaderNames.RetryAfter, "5"));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The caller went away; nobody reads this answer.
            return ApiResult.ForProblem(StatusCodes.Status499ClientClosedRequest, "The request was cancelled");
        }
        catch (Exception e)
        {
            LogUnexpected(e, request.Method, request.Path);
            return ApiResult.ForProblem(StatusCodes.Status500InternalServerError, "The control plane failed to answer; the error is logged. Retry later.");
        }
    }

    /// <summary>
    /// Reads the body as <typeparamref name="T"/>. Refused with a 400: no body, a body over <see cref="MaxBodyBytes"/>,
    /// malformed JSON, a field of the wrong type, an unknown field or a missing required one; with a 415: not JSON.
    /// </summary>
    public static async Task<T> ReadBodyAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class, IRequestBody
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentType is { } type && !IsJson(type))
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, $"The body must be application/json, not {type}");
        if (request.ContentLength > MaxBodyBytes)
            throw new ApiProblemException(StatusCodes.Status413PayloadTooLarge, $"The body is {request.ContentLength} bytes; at most {MaxBodyBytes} are accepted");
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                throw new ApiProblemException(StatusCodes.Status413PayloadTooLarge, $"The body is over {MaxBodyBytes} bytes, the most accepted");
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) throw ApiProblemException.BadRequest($"The request needs a JSON body: {BodyHint<T>()}");
        try
        {
            return JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), ApiJson.Options)
                ?? throw ApiProblemException.BadRequest($"The body is null; it must be a JSON object: {BodyHint<T>()}");
        }
        catch (JsonException e)
        {
            throw ApiProblemException.BadRequest(JsonProblems.Describe(e) + ". " + BodyHint<T>());
        }
    }

    /// <summary>The <c>If-Match</c> header as one value, or null when absent.</summary>
    public static string? IfMatch(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Headers.IfMatch;
        return values.Count == 0 ? null : string.Join(", ", values.ToArray());
    }

    /// <summary>Refuses a tenant-scoped key for an operation only operators may do.</summary>
    public static void RequireOperator(ApiKeyPrincipal caller, string what)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsOperator)
            throw ApiProblemException.Forbidden($"Only an operator key may {what}; this key belongs to tenant {caller.TenantId}");
    }

    /// <summary>Refuses a tenant-scoped key for another tenant.</summary>
    public static void RequireAccess(ApiKeyPrincipal caller, string tenantId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.CanAccess(tenantId))
            throw ApiProblemException.Forbidden($"This key belongs to tenant {caller.TenantId}; it cannot act on tenant {tenantId}");
    }

    public static int StatusOf(TenantErrorKind kind) => kind switch
    {
        TenantErrorKind.Invalid => StatusCodes.Status422UnprocessableEntity,
        TenantErrorKind.NotFound => StatusCodes.Status404NotFound,
        TenantErrorKind.AlreadyExists or TenantErrorKind.Conflict => StatusCodes.Status409Conflict,
        TenantErrorKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        _ => StatusCodes.Status400BadRequest,
    };

    private async Task<(ApiKeyCheck Check, ApiKeyPrincipal? Caller)> AuthenticateAsync(HttpRequest request, CancellationToken ct)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return (ApiKeyCheck.Malformed, null);
        return await authenticator.CheckAsync(value[BearerPrefix.Length..].Trim(), ct).ConfigureAwait(false);
    }

    private string UnauthorizedDetail(ApiKeyCheck check)
    {
        var accepted = authenticator.AcceptsEntraId
            ? "'Authorization: Bearer fjk.<id>.<secret>' or an Entra ID access token for this API"
            : "'Authorization: Bearer fjk.<id>.<secret>'";
        return check switch
        {
            ApiKeyCheck.Expired => "The API key or token has expired; get a new one",
            ApiKeyCheck.Unknown => $"The API key or token is not known (revoked, mistyped, or issued for another API); send {accepted}",
            _ => $"Send an API key as {accepted}",
        };
    }

    /// <summary>
    /// Unreachable, throttled or failing storage: a status of 0, 408, 429 or 5xx, or what the Azure SDK throws once
    /// its retries are spent on a connection that fails (an AggregateException of the attempts).
    /// </summary>
    private static bool IsStorageUnavailable(Exception e) => e switch
    {
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(inner => inner is HttpRequestException || IsStorageUnavailable(inner)),
        _ => false,
    };

    private static bool IsJson(string contentType)
    {
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    private static string BodyHint<T>()
        where T : IRequestBody => "Expected e.g. " + T.Example;

    [LoggerMessage(EventId = 16001, Level = LogLevel.Warning, Message = "Control plane: {Method} {Path} refused: storage did not answer")]
    private partial void LogStorageRefused(Exception exception, string method, string path);

    [LoggerMessage(EventId = 16000, Level = LogLevel.Error, Message = "Control plane: {Method} {Path} failed unexpectedly")]
    private partial void LogUnexpected(Exception exception, string method, string path);
}
