using PrunedLrp.Pruning;
using PrunedLrp.Tests.Explain;
using PrunedLrp.Tests.Support;
using Xunit;

namespace PrunedLrp.Tests.Pruning;

/// <summary>
/// Pruned LRP written out from REFERENCE.md with full sorts, in double precision, and a per-layer check of an
/// explainer's last call: each node's relevance must equal what the reference rules make of the engine's relevance
/// at the node's readers (so errors stay local and a wrong layer is named), pruned by the reference at pruning points.
/// </summary>
internal static class PlrpReference
{
    /// <summary>Mass selection: per sign, order by |r| ascending (ties: lower index first) and prune the longest prefix
    /// whose mass is &lt;= p times that sign's mass; zeros are always pruned.</summary>
    public static PlrpSelection ByMass(double[] r, double p, double pNeg)
    {
        var keep = new bool[r.Length];
        var (pos, keptPos) = Side(r, keep, p, v => v > 0);
        var (neg, keptNeg) = Side(r, keep, pNeg, v => v < 0);
        return new PlrpSelection(keep, pos, neg, keptPos, keptNeg);
    }

    static (double Mass, double Kept) Side(double[] r, bool[] keep, double p, Func<double, bool> sign)
    {
        var order = Enumerable.Range(0, r.Length).Where(i => sign(r[i])).OrderBy(i => Math.Abs(r[i])).ThenBy(i => i).ToArray();
        double mass = order.Sum(i => r[i]);
        double pruned = 0;
        int cut = 0;
        while (cut < order.Length && Math.Abs(pruned + r[order[cut]]) <= p * Math.Abs(mass))
            pruned += r[order[cut++]];
        foreach (int i in order.Skip(cut))
            keep[i] = true;
        return (mass, mass - pruned);
    }

    /// <summary>Top-k: the k entries of largest |r| (ties: lower index first).</summary>
    public static PlrpSelection TopK(double[] r, int k)
    {
        var keep = new bool[r.Length];
        foreach (int i in Enumerable.Range(0, r.Length).OrderByDescending(i => Math.Abs(r[i])).ThenBy(i => i).Take(k))
            keep[i] = true;
        double Mass(Func<int, bool> which) => Enumerable.Range(0, r.Length).Where(which).Sum(i => r[i]);
        return new PlrpSelection(keep, Mass(i => r[i] > 0), Mass(i => r[i] < 0), Mass(i => keep[i] && r[i] > 0), Mass(i => keep[i] && r[i] < 0));
    }

    public static PlrpSelection Select(double[] r, PruningOptions o, int pointIndex)
    {
        if (o.Select == SelectMode.TopK)
            return TopK(r, o.TopK >= 1 ? (int)Math.Min(o.TopK, r.Length) : (int)Math.Round(o.TopK * r.Length));
        double p = o.Sparsity[o.Sparsity.Count == 1 ? 0 : pointIndex];
        return ByMass(r, p, o.SparsityNegative ?? p);
    }

    /// <summary>PLRP-λ: kept entries times λ± of their sign, the rest 0.</summary>
    public static double[] Lambda(double[] r, PlrpSelection s)
        => r.Select((v, i) => !s.Keep[i] ? 0 : v * (v > 0 ? s.LambdaPositive : s.LambdaNegative)).ToArray();

    /// <summary>What the readers of <paramref name="id"/> send it, given the engine's relevance at the readers, with
    /// the PLRP-M <paramref name="mask"/> on every input slot that reads <paramref name="id"/> (null: unmasked).</summary>
    public static double[] FromReaders(Explainer e, ReferenceGraph g, double[][] act, int id, int n, double[]? mask)
    {
        var sum = new double[g.Size(id)];
        foreach (int k in g.Readers[id])
        {
            int size = g.Size(k);
            var rK = e.NodeRelevance(k).Slice(n * size, size).ToArray().Select(v => (double)v).ToArray();
            var inputs = g.Spec.Nodes[k].Inputs;
            for (int slot = 0; slot < inputs.Length; slot++)
            {
                if (inputs[slot] != id)
                    continue;
                // Every input slot that reads id is masked (an Add of id with itself masks both).
                var sent = g.Step(k, slot, act, rK, inputs[0] == id ? mask : null, inputs.Length > 1 && inputs[1] == id ? mask : null);
                for (int i = 0; i < sum.Length; i++)
                    sum[i] += sent[i];
            }
        }
        return sum;
    }

    /// <summary>Checks every node and every pruning report of <paramref name="e"/>'s last call on <paramref name="x"/>.
    /// Returns the reference selections, [point index][sample].</summary>
    public static PlrpSelection[][] Verify(Explainer e, ReferenceGraph g, float[] x, PruningOptions o, double tolerance)
    {
        var model = e.Model;
        int batch = x.Length / model.InputSize, last = g.Spec.Nodes.Count - 1;
        var points = e.PruningPoints.ToList();
        var selections = points.Select(_ => new PlrpSelection[batch]).ToArray();
        for (int n = 0; n < batch; n++)
        {
            var act = g.Forward(x.AsSpan(n * model.InputSize, model.InputSize));
            for (int id = last; id >= 0; id--)
            {
                int size = g.Size(id);
                var engine = e.NodeRelevance(id).Slice(n * size, size);
                double[] pre;
                if (id == last)
                {
                    pre = new double[size];
                    int t = e.Targets[n];
                    pre[t] = e.Logits[n * size + t];
                }
                else
                {
                    pre = FromReaders(e, g, act, id, n, null);
                }
                int pi = points.IndexOf(id);
                if (pi < 0)
                {
                    Compare.Close(engine, pre, tolerance, $"node {id} sample {n}");
                    continue;
                }
                var sel = Select(pre, o, pi);
                selections[pi][n] = sel;
                var expected = o.Mode == PruneMode.Lambda
                    ? Lambda(pre, sel)
                    : FromReaders(e, g, act, id, n, sel.Keep.Select(k => k ? 1.0 : 0.0).ToArray());
                Compare.Close(engine, expected, tolerance, $"pruning point {id} sample {n}");
                for (int i = 0; i < size; i++)
                {
                    if (!sel.Keep[i])
                        Assert.True(engine[i] == 0, $"pruning point {id} sample {n}: pruned entry {i} is {engine[i]}");
                }
                var report = e.PruningReports[pi * batch + n];
                Assert.Equal((id, n, size, sel.Keep.Count(k => k)), (report.Node, report.Sample, report.Entries, report.Kept));
                double scale = pre.Sum(Math.Abs) + 1e-30;
                Assert.True(Math.Abs(report.PositiveMass - sel.PositiveMass) <= 1e-5 * scale, "positive mass");
                Assert.True(Math.Abs(report.NegativeMass - sel.NegativeMass) <= 1e-5 * scale, "negative mass");
                Assert.True(Math.Abs(report.PrunedPositiveMass - (sel.PositiveMass - sel.KeptPositiveMass)) <= 1e-5 * scale, "pruned positive mass");
                Assert.True(Math.Abs(report.PrunedNegativeMass - (sel.NegativeMass - sel.KeptNegativeMass)) <= 1e-5 * scale, "pruned negative mass");
                Assert.True(Math.Abs(report.SumBefore - pre.Sum()) <= 1e-5 * scale, "sum before");
                Assert.True(Math.Abs(report.SumAfter - engine.ToArray().Sum(v => (double)v)) <= 1e-6 * scale, "sum after");
                if (o.Mode == PruneMode.Lambda)
                {
                    Assert.Equal(sel.LambdaPositive, report.LambdaPositive, 1e-4 * Math.Max(1, sel.LambdaPositive));
                    Assert.Equal(sel.LambdaNegative, report.LambdaNegative, 1e-4 * Math.Max(1, sel.LambdaNegative));
                }
            }
        }
        return selections;
    }
}
