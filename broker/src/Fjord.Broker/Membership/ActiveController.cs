using Fjord.Controller;

namespace Fjord.Broker.Membership;

/// <summary>
/// The controller loop this broker currently runs. Every registered broker runs one and the lease in
/// Table storage makes exactly one of them active (<see cref="IControllerService.IsActive"/>); a fenced
/// broker runs none, and a rejoin starts a new one for the new incarnation, so this changes over the
/// broker's life and readers take <see cref="Current"/> afresh for each request.
/// </summary>
public sealed class ActiveController
{
    private IControllerService? _current;

    /// <summary>The loop this broker runs; null while it is fenced (or before it first registered).</summary>
    public IControllerService? Current => Volatile.Read(ref _current);

    /// <summary>Asks this broker's controller loop, if any, to reconcile now (a topic changed, say).</summary>
    public void Nudge() => Current?.Nudge();

    /// <summary>The composition root's hand-over: a new loop for a new incarnation, or null when fenced.</summary>
    internal void Set(IControllerService? controller) => Volatile.Write(ref _current, controller);
}
