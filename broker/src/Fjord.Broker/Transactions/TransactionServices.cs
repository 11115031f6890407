using Fjord.Transactions;

namespace Fjord.Broker.Transactions;

/// <summary>The parts of the broker that serve transactions, built together at start and handed to the handlers.</summary>
public sealed record TransactionServices(
    TransactionCoordinator Coordinator,
    TransactionCoordinatorLocator Locator,
    TransactionMarkerApplier Markers,
    TransactionVerifier Verifier,
    TransactionMarkerWriter MarkerWriter);
