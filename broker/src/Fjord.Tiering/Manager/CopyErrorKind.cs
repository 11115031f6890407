using System.Globalization;
using System.Net.Sockets;
using Azure;

namespace Fjord.Tiering;

/// <summary>
/// A short, stable name for why an upload failed, for operators' dashboards: the storage service's answer when it gave
/// one (<c>http-503-ServerBusy</c>), else what kept it from answering (<c>unreachable</c>, <c>timeout</c>), else the
/// exception's type. Never the message: it may hold URLs and changes with every SDK release.
/// </summary>
public static class CopyErrorKind
{
    public static string Of(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RequestFailedException { Status: > 0 } failed:
                    var status = failed.Status.ToString(CultureInfo.InvariantCulture);
                    return string.IsNullOrEmpty(failed.ErrorCode) ? "http-" + status : $"http-{status}-{failed.ErrorCode}";
                case SocketException or HttpRequestException or IOException:
                    return "unreachable";
                case TimeoutException or TaskCanceledException:
                    return "timeout";
                case AggregateException { InnerExceptions.Count: > 0 } many:
                    return Of(many.InnerExceptions[0]);
            }
        }
        return error.GetType().Name;
    }
}
