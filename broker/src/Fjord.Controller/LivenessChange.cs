namespace Fjord.Controller;

/// <summary>What one look at the broker rows showed: who is alive now, who died, who appeared, who restarted (new incarnation).</summary>
internal sealed record LivenessChange(IReadOnlySet<int> Live, IReadOnlyList<int> Died, IReadOnlyList<int> Joined, IReadOnlyList<int> Restarted)
{
    public bool Any => Died.Count > 0 || Joined.Count > 0 || Restarted.Count > 0;
}
