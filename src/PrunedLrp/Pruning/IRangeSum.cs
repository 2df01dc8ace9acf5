namespace PrunedLrp.Pruning;

/// <summary>A pass over [start, end) of a pruning point that returns a double sum (<see cref="PassHalves.Sum"/>).</summary>
internal interface IRangeSum
{
    /// <summary>Runs the pass over entries [<paramref name="start"/>, <paramref name="end"/>) and returns its sum.</summary>
    double Run(int start, int end);
}
