namespace Fjord.ControlPlane.Client.Groups;

/// <summary>
/// When a group starts losing a partition's records to retention at the current rates. <see cref="Status"/> is
/// <c>never</c>, <c>expected</c> (from <see cref="At"/>), <c>losing</c> (<see cref="LostRecords"/> already deleted unread)
/// or <c>unknown</c> (no stats yet). <see cref="Limit"/> names the cause: retention.ms, retention.bytes or log.start.offset.
/// </summary>
public sealed record RetentionForecastModel(string Status, DateTimeOffset? At, double? InSeconds, long LostRecords, string? Limit);
