namespace Fjord.ControlPlane.Client.Topics;

/// <summary>A topic's state as the API names it: <c>"creating"</c> until every partition has a leader, then <c>"ready"</c>.</summary>
public enum TopicStatus
{
    Creating,
    Ready,
}
