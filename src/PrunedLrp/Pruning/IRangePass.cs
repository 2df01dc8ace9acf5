namespace PrunedLrp.Pruning;

/// <summary>A pass over [start, end) of a pruning point that returns a result per range (<see cref="PassHalves"/>).</summary>
internal interface IRangePass<TResult>
{
    /// <summary>Runs the pass over entries [<paramref name="start"/>, <paramref name="end"/>).</summary>
    TResult Run(int start, int end);
}
