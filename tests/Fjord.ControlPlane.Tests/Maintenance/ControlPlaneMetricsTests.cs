using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Fjord.ControlPlane.Tests.Functions;
using Fjord.Functions.LocalHost;
using Fjord.Functions.Maintenance;
using Fjord.Functions.Observability;
using Fjord.Testing;

namespace Fjord.ControlPlane.Tests.Maintenance;

/// <summary>The control plane's metrics: what a Prometheus scrape of the local host shows, and what a reconciler run records.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed partial class ControlPlaneMetricsTests(ControlPlaneFixture plane)
{
    [Fact]
    public async Task TheMetricsScrapeCountsApiRequestsByFunctionRouteAndStatusClass()
    {
        using var client = plane.Client(plane.OperatorKey);
        var before = await ScrapeAsync(client);

        for (var i = 0; i < 3; i++)
            (await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants/nosuchtenant")).AssertStatus(HttpStatusCode.NotFound);
        (await ApiCall.SendAsync(client, HttpMethod.Get, "/api/v1/tenants")).AssertStatus(HttpStatusCode.OK);

        // The exporter caches a scrape's answer for 300 ms, so the new counts show within a few scrapes. At least
        // these calls: a control plane of another test collection, running in parallel, may add to the same meter.
        var after = "";
        await Poll.UntilAsync(async () =>
        {
            after = await ScrapeAsync(client);
            return Count(after, "GetTenant", "v1/tenants/{tenant}", "4xx") - Count(before, "GetTenant", "v1/tenants/{tenant}", "4xx") >= 3
                && Count(after, "ListTenants", "v1/tenants", "2xx") - Count(before, "ListTenants", "v1/tenants", "2xx") >= 1;
        }, TimeSpan.FromSeconds(30), "the scrape to count the requests just made");
        // Buckets in seconds: an answer of a few milliseconds is under 0.25 s, not lumped into the first bucket.
        Assert.Matches(@"fjord_controlplane_request_duration_seconds_bucket\{.*function=""ListTenants"".*le=""0.25""\} [1-9]", after);
        // Tagged by route template, never by the tenant in the URL.
        Assert.DoesNotContain("nosuchtenant", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReconcilerRunRecordsItsOutcome()
    {
        var run = new ReconcilerRun(new ControlPlaneMetrics(), TimeProvider.System);
        var task = "test-" + Guid.NewGuid().ToString("N")[..8];
        var outcomes = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ControlPlaneMetrics.MeterName && instrument.Name == "fjord.controlplane.reconciler.runs")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var map = tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString());
            // The meter is the process's: only this test's tasks count here.
            if (map["task"]!.StartsWith(task, StringComparison.Ordinal)) outcomes.Add(map["task"]![task.Length..] + ":" + map["outcome"]);
        });
        listener.Start();

        Assert.Equal(7, await run.RunAsync(task + "usage", _ => Task.FromResult(7), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.RunAsync<int>(task + "certificates", _ => throw new InvalidOperationException("storage down"), CancellationToken.None));

        Assert.Equal(["usage:succeeded", "certificates:failed"], outcomes);
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        var scrape = await ApiCall.SendAsync(client, HttpMethod.Get, LocalControlPlane.MetricsPath);
        scrape.AssertStatus(HttpStatusCode.OK);
        return scrape.Body;
    }

    private static double Count(string scrape, string function, string route, string statusClass)
    {
        double total = 0;
        foreach (Match line in RequestsLine().Matches(scrape))
        {
            var labels = line.Groups["labels"].Value;
            if (labels.Contains($"function=\"{function}\"", StringComparison.Ordinal) && labels.Contains($"route=\"{route}\"", StringComparison.Ordinal)
                && labels.Contains($"status_class=\"{statusClass}\"", StringComparison.Ordinal))
                total += double.Parse(line.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return total;
    }

    [GeneratedRegex(@"^fjord_controlplane_requests_total\{(?<labels>.*)\} (?<value>[0-9.eE+]+)\r?$", RegexOptions.Multiline)]
    private static partial Regex RequestsLine();
}
