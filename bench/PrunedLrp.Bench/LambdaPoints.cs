using System.Diagnostics;
using System.Globalization;
using PrunedLrp.Pruning;

namespace PrunedLrp.Bench;

/// <summary>
/// `lambda MODEL [repeats] [p]`: PLRP-λ's work at every pruning point of a model (the relevance of one epsilon-plus-flat
/// explain of a seeded random input), two routes timed alternately in one process: select (marking flags), sum, then
/// scale by the flags; against <see cref="LambdaPruning.ByMass"/>, λ from the cut search and one pass that marks and
/// scales. Each round restores the points from a copy before each route (untimed); medians of the per-round totals.
/// </summary>
internal static class LambdaPoints
{
    public static void Run(string path, int repeats, double p)
    {
        var points = PointRelevance.Of(path);
        var work = points.Select(point => new float[point.Length]).ToArray();
        int largest = points.Max(point => point.Length);
        var keep = new bool[largest];
        var scratch = new float[RelevanceSelection.BothSignsScratchLength(largest)];
        var separate = new double[repeats];
        var fused = new double[repeats];
        for (int r = 0; r < 2 * repeats; r++)
        {
            bool fusedTurn = (r + r / 2) % 2 == 1; // alternate which route goes first from round to round
            for (int i = 0; i < points.Length; i++)
                points[i].CopyTo(work[i], 0);
            long start = Stopwatch.GetTimestamp();
            foreach (var point in work)
            {
                var k = keep.AsSpan(0, point.Length);
                if (fusedTurn)
                    LambdaPruning.ByMass(0, 0, point, p, p, k, scratch);
                else
                    Separate(point, p, k, scratch);
            }
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            (fusedTurn ? fused : separate)[r / 2] = ms;
        }
        Array.Sort(separate);
        Array.Sort(fused);
        long entries = points.Sum(point => (long)point.Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(path)}, p = {p}: {points.Length} points, {entries} entries; select + sum + scale "
            + $"{separate[repeats / 2]:F2} ms, one pass {fused[repeats / 2]:F2} ms (medians of {repeats}), ratio {fused[repeats / 2] / separate[repeats / 2]:F2}"));
    }

    // The route before LambdaPruning: the explainer's code for top-k selection, used here with the mass selection.
    static void Separate(Span<float> r, double p, Span<bool> keep, float[] scratch)
    {
        var sel = RelevanceSelection.SelectByMassOnBothThreads(r, p, p, keep, scratch);
        PruningPasses.Sum(r);
        PruningPasses.ScaleKept(r, keep, (float)LambdaPruning.Lambda(sel.PositiveMass, sel.KeptPositiveMass),
            (float)LambdaPruning.Lambda(sel.NegativeMass, sel.KeptNegativeMass));
    }
}
