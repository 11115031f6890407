namespace Fjord.Broker.Network;

/// <summary>What a failed accept means for the accept loop.</summary>
internal enum AcceptErrorKind
{
    /// <summary>The listener is gone (closed, disposed, not listening): stop accepting on it.</summary>
    Fatal,

    /// <summary>Out of descriptors or kernel memory: back off so the loop does not spin, then try again.</summary>
    ResourcePressure,

    /// <summary>One client's trouble (it reset or aborted before we accepted): accept the next one.</summary>
    Transient,
}
