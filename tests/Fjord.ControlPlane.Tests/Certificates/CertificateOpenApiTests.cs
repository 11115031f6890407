using System.Net;
using System.Text.Json;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.ControlPlane.Tests.OpenApi;
using Json.Schema;

namespace Fjord.ControlPlane.Tests.Certificates;

/// <summary>What the certificate operations really answer, success and refusal, validates against the OpenAPI document.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class CertificateOpenApiTests(ControlPlaneFixture plane)
{
    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List };

    [Fact]
    public async Task EveryCertificateAnswerValidatesAgainstTheDocument()
    {
        var document = await OpenApiTests.FetchAsync(plane);
        var operations = document.Operations().ToDictionary(o => o.Operation["operationId"]!.GetValue<string>(), o => o.Operation);
        using var client = plane.Client(plane.OperatorKey);
        var tenant = "oc" + Guid.NewGuid().ToString("N")[..10];
        (await ApiCall.SendAsync(client, HttpMethod.Put, $"/api/v1/tenants/{tenant}", "{}")).AssertStatus(HttpStatusCode.Created);
        var checkedCalls = 0;

        async Task<ApiCall> CallAsync(string operationId, HttpMethod method, string path, string? body = null)
        {
            var call = await ApiCall.SendAsync(client, method, path, body);
            var schema = document.ResponseSchema(operations[operationId], (int)call.Status, call.MediaType ?? "application/json");
            Assert.True(schema is not null, $"{operationId} answered {(int)call.Status} {call.MediaType}, which the document does not describe");
            var result = schema.Evaluate(JsonDocument.Parse(call.Body).RootElement, Evaluation);
            Assert.True(result.IsValid, $"{operationId} {(int)call.Status}: {call.Body}");
            checkedCalls++;
            return call;
        }

        (await CallAsync("GetClusterCa", HttpMethod.Get, "/api/v1/cluster/ca")).AssertStatus(HttpStatusCode.OK);
        var sign = JsonSerializer.Serialize(new { user = "app1", csr = TestCsr.NewKeyAndCsr().CsrPem });
        var signed = await CallAsync("SignCertificate", HttpMethod.Post, $"/api/v1/tenants/{tenant}/certificates", sign);
        signed.AssertStatus(HttpStatusCode.Created);
        var serial = signed.Json.GetProperty("serialNumber").GetString()!;
        (await CallAsync("ListCertificates", HttpMethod.Get, $"/api/v1/tenants/{tenant}/certificates?limit=1")).AssertStatus(HttpStatusCode.OK);
        (await CallAsync("GetCertificate", HttpMethod.Get, $"/api/v1/tenants/{tenant}/certificates/{serial}")).AssertStatus(HttpStatusCode.OK);
        (await CallAsync("RevokeCertificate", HttpMethod.Delete, $"/api/v1/tenants/{tenant}/certificates/{serial}")).AssertStatus(HttpStatusCode.OK);
        (await CallAsync("IssueBrokerCertificate", HttpMethod.Post, "/api/v1/cluster/certificates/brokers", """{"hosts": ["localhost"]}""")).AssertStatus(HttpStatusCode.Created);
        (await CallAsync("SignCertificate", HttpMethod.Post, $"/api/v1/tenants/{tenant}/certificates", """{"user": "app1", "csr": "nope"}""")).AssertProblem(HttpStatusCode.UnprocessableEntity);
        (await CallAsync("GetCertificate", HttpMethod.Get, $"/api/v1/tenants/{tenant}/certificates/4ABC")).AssertProblem(HttpStatusCode.NotFound);
        Assert.Equal(8, checkedCalls);
    }
}
