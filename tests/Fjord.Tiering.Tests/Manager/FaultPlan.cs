namespace Fjord.Tiering.Tests.Manager;

/// <summary>
/// Named fault points shared by the fakes: a test arms a point ("throw on the Nth hit of
/// manifest.transition.CopyFinished") to stand for a crash or an outage at exactly that step.
/// </summary>
public sealed class FaultPlan
{
    private readonly Dictionary<string, int> _armed = [];
    private readonly Dictionary<string, int> _hits = [];

    /// <summary>The next <paramref name="nth"/>-th hit of <paramref name="point"/> throws (1 = the very next).</summary>
    public void Arm(string point, int nth = 1)
    {
        lock (_armed)
        {
            _armed[point] = nth;
        }
    }

    public int Hits(string point)
    {
        lock (_armed)
        {
            return _hits.GetValueOrDefault(point);
        }
    }

    public void Hit(string point)
    {
        lock (_armed)
        {
            _hits[point] = _hits.GetValueOrDefault(point) + 1;
            if (_armed.TryGetValue(point, out var left))
            {
                if (left <= 1)
                {
                    _armed.Remove(point);
                    throw new InjectedFaultException(point);
                }

                _armed[point] = left - 1;
            }
        }
    }
}
