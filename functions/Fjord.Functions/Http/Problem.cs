namespace Fjord.Functions.Http;

/// <summary>An RFC 9457 problem document, sent as <c>application/problem+json</c>; <see cref="Detail"/> says what to fix.</summary>
public sealed record Problem(string Type, string Title, int Status, string Detail);
