using PrunedLrp.Layers;

namespace PrunedLrp;

public sealed partial class Explainer
{
    void Ensure(int batch)
    {
        int maxSize = _model.NodeSizes.Max();
        int stepScratch = 0;
        foreach (var step in _steps)
            stepScratch = Math.Max(stepScratch, step?.ScratchLength(batch) ?? 0);
        bool grew = _ws.Ensure(batch, stepScratch);
        if (!grew && _relevance.Length != 0)
            return;
        int capacity = _ws.Capacity;
        _relevance = new float[_model.NodeCount][];
        if (_slotOf is null)
        {
            for (int id = 0; id < _relevance.Length; id++)
                _relevance[id] = Kernels.HugePages.ZeroedArray(capacity * _model.NodeSizes[id]);
        }
        else
        {
            // A loop, not a lambda: a closure over capacity would be allocated on every call, before the early return.
            var slots = new float[_slotSizes.Length][];
            for (int s = 0; s < slots.Length; s++)
                slots[s] = Kernels.HugePages.ZeroedArray(capacity * _slotSizes[s]);
            for (int id = 0; id < _relevance.Length; id++)
                _relevance[id] = slots[_slotOf[id]];
        }
        _temp = Kernels.HugePages.ZeroedArray(capacity * maxSize);
        // The second temporary serves only two-input nodes (Add); the mask and selection buffers only pruning.
        bool hasTwoInputNodes = _model.Layers.Any(l => l is { Inputs.Length: > 1 });
        _temp2 = hasTwoInputNodes ? Kernels.HugePages.ZeroedArray(capacity * maxSize) : [];
        _mask = _pruning is { Mode: Pruning.PruneMode.M } ? Kernels.HugePages.ZeroedArray(capacity * maxSize) : []; // PLRP-M only
        _keep = _pruning is null ? [] : new bool[maxSize];
        _keptStarts = _pruning is { Mode: Pruning.PruneMode.M } ? new int[capacity + 1] : [];
        _selectionScratch = _pruning is null ? [] : new float[Pruning.RelevanceSelection.BothSignsScratchLength(maxSize)];
        _targets = new int[capacity];
        _reports = new Pruning.PruningPointReport[_points.Length * capacity];
    }

    void Seed(ReadOnlySpan<int> targets, int batch)
    {
        int classes = _model.OutputSize;
        var logits = _ws.Logits(batch);
        var seed = _relevance[^1].AsSpan(0, batch * classes);
        seed.Clear();
        for (int n = 0; n < batch; n++)
        {
            int t = targets.Length == 0 ? ArgMax(logits.Slice(n * classes, classes)) : targets[targets.Length == 1 ? 0 : n];
            if ((uint)t >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(targets), $"target {t} of sample {n} is not a class index (0..{classes - 1})");
            _targets[n] = t;
            seed[n * classes + t] = logits[n * classes + t];
        }
    }

    static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
                best = i;
        }
        return best;
    }

    void Backward(int batch)
    {
        Array.Clear(_contributed);
        _contributed[^1] = true;
        int pointIndex = 0;
        for (int id = _model.NodeCount - 1; id >= 1; id--)
        {
            if (!_contributed[id])
                Buffer(_relevance, id, batch).Clear(); // no reader sent anything back
            if (_isPoint[id])
                Prune(id, pointIndex++, batch);
            var inputs = _model.Layers[id]!.Inputs;
            int a = inputs[0];
            int b = inputs.Length > 1 ? inputs[1] : -1;
            bool viaTempA = _contributed[a];
            bool viaTempB = b >= 0 && (_contributed[b] || b == a);
            var rInA = viaTempA ? Buffer(_temp, a, batch) : Buffer(_relevance, a, batch);
            var rInB = b < 0 ? default : viaTempB ? Buffer(_temp2, b, batch) : Buffer(_relevance, b, batch);
            RunStep(id, batch, rInA, rInB, default, default);
            Merge(a, rInA, viaTempA, batch);
            if (b >= 0)
                Merge(b, rInB, viaTempB, batch);
        }
        if (_isPoint[0])
            Prune(0, pointIndex, batch);
    }

    void Merge(int node, Span<float> rIn, bool viaTemp, int batch)
    {
        if (viaTemp)
        {
            var dst = Buffer(_relevance, node, batch);
            System.Numerics.Tensors.TensorPrimitives.Add(dst, rIn, dst);
        }
        _contributed[node] = true;
    }

    /// <summary>Runs node <paramref name="id"/>'s rule (with optional PLRP-M masks on its inputs).</summary>
    /// <remarks>A convolution's step under pruning, unmasked, runs one sample at a time: each sample's pruned relevance
    /// then decides on its own whether the rule lists its non-zero entries (<see cref="ListedOutputs"/>), where a
    /// batch-wide call lists only when every sample is sparse enough. The convolutions run sample by sample either way,
    /// and the rules' passes are element-wise, so a sample's result is the same as in the batch-wide call.</remarks>
    void RunStep(int id, int batch, Span<float> rInA, Span<float> rInB, ReadOnlySpan<float> maskA, ReadOnlySpan<float> maskB,
        KeptEntries keptA = default)
    {
        var layer = _model.Layers[id]!;
        var inputs = layer.Inputs;
        var args = new RelevanceArgs
        {
            Batch = batch,
            // Outputs no rule reads are not kept (their buffers hold other nodes by now): such a step gets none.
            X = _ws.Holds(inputs[0]) ? Buffer(_ws.Activations, inputs[0], batch) : default,
            X2 = inputs.Length > 1 && _ws.Holds(inputs[1]) ? Buffer(_ws.Activations, inputs[1], batch) : default,
            Z = _ws.Holds(id) ? Buffer(_ws.Activations, id, batch) : default,
            ROut = Buffer(_relevance, id, batch),
            RIn = rInA,
            RIn2 = rInB,
            Mask = maskA,
            Mask2 = maskB,
            Kept = keptA,
            Scratch = _ws.Scratch,
        };
        if (_stepPerSample[id] && batch > 1 && maskA.IsEmpty && maskB.IsEmpty)
        {
            int inSize = _model.NodeSizes[inputs[0]], outSize = _model.NodeSizes[id];
            for (int n = 0; n < batch; n++)
            {
                var sample = args.Sample(n, inSize, outSize);
                _steps[id].Backward(ref sample);
            }
            return;
        }
        _steps[id].Backward(ref args);
    }

    /// <summary>Node <paramref name="id"/>'s slice of a per-node buffer set for <paramref name="batch"/> samples.</summary>
    Span<float> Buffer(float[][] buffers, int id, int batch)
        => buffers[id].AsSpan(0, batch * _model.NodeSizes[id]);

    /// <summary>A node-sized slice of a shared temporary buffer.</summary>
    Span<float> Buffer(float[] buffer, int id, int batch)
        => buffer.AsSpan(0, batch * _model.NodeSizes[id]);
}
