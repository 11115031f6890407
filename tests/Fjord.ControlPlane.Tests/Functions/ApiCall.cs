using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Fjord.ControlPlane.Tests.Functions;

/// <summary>One HTTP exchange with the control plane, with the body parsed when it is JSON.</summary>
public sealed record ApiCall(HttpStatusCode Status, string? MediaType, string Body, HttpResponseHeaders Headers)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? ETag => Headers.ETag?.ToString();

    public static async Task<ApiCall> SendAsync(HttpClient client, HttpMethod method, string path, string? json = null,
        Action<HttpRequestHeaders>? headers = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
        headers?.Invoke(request.Headers);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new ApiCall(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response.Headers);
    }

    /// <summary>Asserts a problem+json answer with this status and a message; returns the message.</summary>
    public string AssertProblem(HttpStatusCode status)
    {
        Assert.True(Status == status, $"Expected {(int)status}, got {(int)Status}: {Body}");
        Assert.Equal("application/problem+json", MediaType);
        Assert.Equal((int)status, Json.GetProperty("status").GetInt32());
        var detail = Json.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        return detail!;
    }

    public void AssertStatus(HttpStatusCode status) => Assert.True(Status == status, $"Expected {(int)status}, got {(int)Status}: {Body}");
}
