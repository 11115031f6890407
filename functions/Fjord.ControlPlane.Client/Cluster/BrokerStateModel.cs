namespace Fjord.ControlPlane.Client.Cluster;

/// <summary>A broker's state as the API names it (<c>"alive"</c>, <c>"shuttingDown"</c>, <c>"fenced"</c>: its lease lapsed).</summary>
public enum BrokerStateModel
{
    Alive,
    ShuttingDown,
    Fenced,
}
