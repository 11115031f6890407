using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Fjord.Functions.OpenApi;

/// <summary><c>/api/openapi.json</c>: the API's OpenAPI 3.1 document, built from the functions themselves; no key needed.</summary>
public sealed class OpenApiFunctions
{
    private static readonly Lazy<byte[]> Document = new(() =>
        Encoding.UTF8.GetBytes(OpenApiDocumentBuilder.Build(typeof(OpenApiFunctions).Assembly).ToJsonString(new JsonSerializerOptions { WriteIndented = true })));

    [Function("GetOpenApiDocument")]
    [Anonymous]
    public static IActionResult GetOpenApiDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        new DocumentResult(Document.Value);

    /// <summary>Writes the bytes itself: the local host registers no MVC result executors.</summary>
    private sealed class DocumentResult(byte[] json) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            await response.Body.WriteAsync(json, context.HttpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
