namespace Fjord.ControlPlane.Topics;

public enum TopicState
{
    /// <summary>The topic row exists, but the controller has not yet given every partition a leader.</summary>
    Creating,

    /// <summary>Every partition has a leader: clients can produce and consume.</summary>
    Ready,
}
