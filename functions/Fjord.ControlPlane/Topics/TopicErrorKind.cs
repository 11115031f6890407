namespace Fjord.ControlPlane.Topics;

/// <summary>Why a topic operation was refused; each maps to one HTTP status.</summary>
public enum TopicErrorKind
{
    /// <summary>The request itself is wrong: an illegal name, a partition count below 1, an unknown config or a bad value (422).</summary>
    Invalid,

    /// <summary>No such tenant, or no such topic of the tenant (404).</summary>
    NotFound,

    /// <summary>The topic exists already with another partition count, replication factor or configs (409).</summary>
    AlreadyExists,

    /// <summary>The tenant or topic is in a state that does not allow it: a tenant being deleted, a concurrent change (409).</summary>
    Conflict,

    /// <summary>The tenant's MaxTopics or MaxPartitions would be exceeded (409); the message names the limit.</summary>
    LimitExceeded,

    /// <summary>The caller's If-Match names a version of the topic that is no longer the stored one (412).</summary>
    PreconditionFailed,
}
