using PrunedLrp.Layers;
using PrunedLrp.Pruning;

namespace PrunedLrp;

public sealed partial class Explainer
{
    /// <summary>
    /// Prunes the (complete) relevance at pruning point <paramref name="node"/>, per sample: select the kept set, then
    /// PLRP-λ scales the kept entries of each sign by λ± (sum unchanged), or PLRP-M re-runs every reader's rule with the
    /// input-side quantities zeroed outside the kept set and sums what they send back.
    /// </summary>
    void Prune(int node, int pointIndex, int batch)
    {
        var options = _pruning!;
        int size = _model.NodeSizes[node];
        var r = Buffer(_relevance, node, batch);
        double p = options.Sparsity[options.Sparsity.Count == 1 ? 0 : pointIndex];
        double pNeg = options.SparsityNegative ?? p;
        var mask = options.Mode == PruneMode.M ? _mask.AsSpan(0, batch * size) : default;
        int listed = 0;
        bool listable = options.Mode == PruneMode.M;
        for (int n = 0; n < batch; n++)
        {
            var rn = r.Slice(n * size, size);
            var keep = _keep.AsSpan(0, size);
            if (options.Mode == PruneMode.Lambda && options.Select == SelectMode.Mass)
            {
                // λ comes from the cut search's own sums, so one pass marks and scales.
                _reports[pointIndex * _batch + n] = LambdaPruning.ByMass(node, n, rn, p, pNeg, keep, _selectionScratch);
                continue;
            }
            var sel = options.Select == SelectMode.Mass
                ? RelevanceSelection.SelectByMassOnBothThreads(rn, p, pNeg, keep, _selectionScratch)
                : RelevanceSelection.SelectTopK(rn, TopKCount(size, options.TopK), keep, _selectionScratch);
            double before = PruningPasses.Sum(rn);
            double lambdaPos = LambdaPruning.Lambda(sel.PositiveMass, sel.KeptPositiveMass);
            double lambdaNeg = LambdaPruning.Lambda(sel.NegativeMass, sel.KeptNegativeMass);
            bool isLambda = options.Mode == PruneMode.Lambda;
            double after = 0;
            if (isLambda)
                after = PruningPasses.ScaleKept(rn, keep, (float)lambdaPos, (float)lambdaNeg);
            else
            {
                PruningPasses.Mask(keep, mask.Slice(n * size, size));
                listable = listable && List(keep, sel.KeptPositive + sel.KeptNegative, size, n, ref listed);
            }
            _reports[pointIndex * _batch + n] = new PruningPointReport(
                node, n, size, sel.KeptPositive + sel.KeptNegative, sel.PositiveMass, sel.NegativeMass,
                sel.PositiveMass - sel.KeptPositiveMass, sel.NegativeMass - sel.KeptNegativeMass,
                isLambda ? lambdaPos : 1, isLambda ? lambdaNeg : 1, before, after);
        }
        if (options.Mode == PruneMode.M)
        {
            _keptStarts[batch] = listed;
            var kept = listable ? new KeptEntries(_keptIndices.AsSpan(0, listed), _keptStarts.AsSpan(0, batch + 1)) : default;
            RerunReadersMasked(node, batch, mask, kept);
            for (int n = 0; n < batch; n++)
            {
                ref var report = ref _reports[pointIndex * _batch + n];
                report = report with { SumAfter = PruningPasses.Sum(r.Slice(n * size, size)) };
            }
        }
    }

    /// <summary>PLRP-M: the relevance of <paramref name="node"/> becomes the sum of what its readers send back when
    /// their rules see only the kept entries (relevance already sent to their other inputs stays as it was).</summary>
    void RerunReadersMasked(int node, int batch, ReadOnlySpan<float> mask, KeptEntries kept)
    {
        var r = Buffer(_relevance, node, batch);
        bool first = true;
        int previous = -1;
        foreach (int reader in _model.Readers[node])
        {
            // An Add of the node with itself is listed once per input slot; one masked run already serves both slots.
            if (reader == previous)
                continue;
            previous = reader;
            var inputs = _model.Layers[reader]!.Inputs;
            bool a = inputs[0] == node;
            bool b = inputs.Length > 1 && inputs[1] == node;
            // Slots that do not read this node still get written by the step; send them to scratch.
            var rInA = a && first ? r : Buffer(_temp, inputs[0], batch);
            var rInB = inputs.Length < 2 ? default : Buffer(_temp2, inputs[1], batch);
            if (first && !a)
                r.Clear();
            RunStep(reader, batch, rInA, rInB, a ? mask : default, b ? mask : default, a ? kept : default);
            if (a && !first)
                System.Numerics.Tensors.TensorPrimitives.Add(r, rInA, r);
            if (b)
                System.Numerics.Tensors.TensorPrimitives.Add(r, rInB, r);
            first = false;
        }
    }

    /// <summary>
    /// Lists sample <paramref name="sample"/>'s kept entries after those of the samples before it, when they are few
    /// enough (at most 1/8 of the point) for the linear readers to work on them alone; returns false otherwise, and the
    /// re-run then uses the dense mask for the whole batch. The list grows on demand and is then reused.
    /// </summary>
    bool List(ReadOnlySpan<bool> keep, int count, int size, int sample, ref int listed)
    {
        if (count > size / 8)
            return false;
        if (_keptIndices.Length < listed + count)
            Array.Resize(ref _keptIndices, Math.Max(listed + count, 2 * _keptIndices.Length));
        _keptStarts[sample] = listed;
        listed += PruningPasses.ListKept(keep[..size], _keptIndices.AsSpan(listed, count));
        return true;
    }

    static int TopKCount(int size, double topK) => topK < 1 ? RelevanceSelection.TopKCount(size, topK) : (int)Math.Min(topK, size);
}
