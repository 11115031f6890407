namespace Fjord.ControlPlane.Topics;

/// <summary>A topic operation refused for a reason the caller can act on; its message speaks the tenant's own topic names.</summary>
public sealed class TopicAdministrationException(TopicErrorKind kind, string message) : Exception(message)
{
    public TopicErrorKind Kind { get; } = kind;
}
