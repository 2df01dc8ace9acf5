using PrunedLrp.Graph;
using PrunedLrp.Rules;
using PrunedLrp.Tests.Engine;
using PrunedLrp.Tests.Rules;

namespace PrunedLrp.Tests.Explain;

/// <summary>
/// A hand-chained LRP reference for one sample, in double precision, with every node as an explicit matrix or formula:
/// dense/conv via <see cref="LinearMatrix"/> and <see cref="ReferenceRules"/>, average pools as 1/divisor matrices under
/// Epsilon(1e-6) (the Norm rule), max pools by brute-force winners, Add by Norm, and Pass for the rest. It shares no
/// code with the engine beyond shape inference.
/// </summary>
internal sealed class ReferenceGraph
{
    readonly Dictionary<int, LinearMatrix> _matrices = [];

    public ReferenceGraph(ModelSpec spec, Func<int, LinearReference> rules)
    {
        Spec = spec;
        Rules = rules;
        Shapes = ShapeInference.Infer(spec);
        Readers = Enumerable.Range(0, spec.Nodes.Count)
            .Select(id => Enumerable.Range(0, spec.Nodes.Count).Where(k => spec.Nodes[k].Inputs.Contains(id)).ToArray()).ToArray();
        for (int id = 1; id < spec.Nodes.Count; id++)
        {
            var node = spec.Nodes[id];
            var input = Shapes[node.Inputs[0]];
            _matrices[id] = node.Kind switch
            {
                OpKind.Dense or OpKind.Conv => LinearMatrix.From(node, input, Shapes[id]),
                OpKind.AvgPool => PoolReference.Average(node, input, Shapes[id]),
                OpKind.GlobalAvgPool => PoolReference.GlobalAverage(input[0], Size(node.Inputs[0]) / input[0]),
                _ => null!,
            };
        }
    }

    public ModelSpec Spec { get; }

    public Func<int, LinearReference> Rules { get; }

    public int[][] Shapes { get; }

    /// <summary>Readers of each node, in id order.</summary>
    public int[][] Readers { get; }

    public int Size(int id) => Shapes[id].Aggregate(1, (a, b) => a * b);

    /// <summary>The rule of a composite's linear rule, as its textbook twin.</summary>
    public static LinearReference For(Rule rule) => rule switch
    {
        Epsilon e => (l, x, r, m) => ReferenceRules.Epsilon(l, x, r, e.Value, m),
        ZPlus z => (l, x, r, m) => ReferenceRules.AlphaBeta(l, x, r, 1, 0, z.Stabilizer, m),
        AlphaBeta ab => (l, x, r, m) => ReferenceRules.AlphaBeta(l, x, r, ab.Alpha, ab.Beta, ab.Stabilizer, m),
        Gamma g => (l, x, r, m) => ReferenceRules.Gamma(l, x, r, g.Value, g.Stabilizer, m),
        Flat f => (l, _, r, m) => ReferenceRules.Flat(l, r, f.Stabilizer, m),
        WSquare w => (l, _, r, m) => ReferenceRules.WSquare(l, r, w.Stabilizer, m),
        _ => throw new ArgumentException($"no reference for {rule}"),
    };

    /// <summary>Every node's output for one sample.</summary>
    public double[][] Forward(ReadOnlySpan<float> sample)
    {
        var act = new double[Spec.Nodes.Count][];
        act[0] = sample.ToArray().Select(v => (double)v).ToArray();
        for (int id = 1; id < act.Length; id++)
        {
            var node = Spec.Nodes[id];
            var x = act[node.Inputs[0]];
            act[id] = node.Kind switch
            {
                OpKind.Dense or OpKind.Conv or OpKind.AvgPool or OpKind.GlobalAvgPool => PoolReference.Apply(_matrices[id], x),
                OpKind.MaxPool => PoolReference.MaxWinners(node, Shapes[node.Inputs[0]], Shapes[id], x).Select(i => x[i]).ToArray(),
                OpKind.Relu => x.Select(v => Math.Max(v, 0)).ToArray(),
                OpKind.Flatten => (double[])x.Clone(),
                OpKind.Add => x.Zip(act[node.Inputs[1]], (a, b) => a + b).ToArray(),
                OpKind.Affine => x.Select((v, i) => v * node.Weight.Span[i / (x.Length / Shapes[id][0])]
                    + node.Bias.Span[i / (x.Length / Shapes[id][0])]).ToArray(),
                _ => throw new ArgumentException(node.Kind.ToString()),
            };
        }
        return act;
    }

    /// <summary>
    /// What node <paramref name="id"/>'s rule sends to its input slot <paramref name="slot"/> (0, or 1 for Add's second
    /// input) from output relevance <paramref name="rOut"/>, with optional PLRP-M masks on its inputs.
    /// </summary>
    public double[] Step(int id, int slot, double[][] act, double[] rOut, double[]? mask = null, double[]? mask2 = null)
    {
        var node = Spec.Nodes[id];
        var x = act[node.Inputs[0]];
        switch (node.Kind)
        {
            case OpKind.Dense or OpKind.Conv:
                return Rules(id)(_matrices[id], x, rOut, mask);
            case OpKind.AvgPool or OpKind.GlobalAvgPool:
                return ReferenceRules.Epsilon(_matrices[id], x, rOut, 1e-6, mask);
            case OpKind.MaxPool:
            {
                var winners = PoolReference.MaxWinners(node, Shapes[node.Inputs[0]], Shapes[id], x);
                var r = new double[x.Length];
                for (int j = 0; j < winners.Length; j++)
                    r[winners[j]] += rOut[j];
                return Masked(r, mask);
            }
            case OpKind.Add:
            {
                var a = Masked(x, mask);
                var b = Masked(act[node.Inputs[1]], mask2);
                var mine = slot == 0 ? a : b;
                return rOut.Select((r, i) => mine[i] * r / Stab(a[i] + b[i])).ToArray();
            }
            default:
                return Masked((double[])rOut.Clone(), mask);
        }
    }

    /// <summary>Plain LRP for one sample: seed the target's logit, run every node's rule, sum what readers send back.
    /// Returns every node's relevance.</summary>
    public double[][] Explain(ReadOnlySpan<float> sample, int target)
    {
        var act = Forward(sample);
        int last = Spec.Nodes.Count - 1;
        var r = act.Select(a => new double[a.Length]).ToArray();
        r[last][target] = act[last][target];
        for (int id = last; id >= 1; id--)
        {
            var inputs = Spec.Nodes[id].Inputs;
            for (int slot = 0; slot < inputs.Length; slot++)
            {
                var sent = Step(id, slot, act, r[id]);
                for (int i = 0; i < sent.Length; i++)
                    r[inputs[slot]][i] += sent[i];
            }
        }
        return r;
    }

    static double Stab(double z) => z >= 0 ? z + 1e-6 : z - 1e-6;

    static double[] Masked(double[] v, double[]? mask) => mask is null ? v : v.Select((x, i) => x * mask[i]).ToArray();
}
