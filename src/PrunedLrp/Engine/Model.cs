using PrunedLrp.Graph;
using PrunedLrp.IO;
using PrunedLrp.Layers;

namespace PrunedLrp;

/// <summary>
/// A loaded network: immutable, shared by any number of <see cref="Predictor"/>s and <see cref="Explainer"/>s on any
/// threads. Tensors are float32, C order, [batch, ...input shape] (NCHW for images, NCL for sequences).
/// </summary>
public sealed class Model
{
    Predictor? _cachedPredictor;

    Model(ModelSpec spec, ModelOptions? options)
    {
        Spec = spec;
        Options = options ?? ModelOptions.Default;
        if (!Enum.IsDefined(Options.Memory))
            throw new ArgumentOutOfRangeException(nameof(options), Options.Memory, "unknown memory mode");
        Shapes = ShapeInference.Infer(spec);
        Layers = new Layer?[spec.Nodes.Count];
        var readers = new List<int>[spec.Nodes.Count];
        for (int id = 0; id < spec.Nodes.Count; id++)
        {
            readers[id] = [];
            if (id > 0)
                Layers[id] = LayerFactory.Create(id, spec.Nodes[id], Shapes, Options.Memory);
            foreach (int input in spec.Nodes[id].Inputs)
                readers[input].Add(id);
        }
        Readers = Array.ConvertAll(readers, r => r.ToArray());
        NodeSizes = Array.ConvertAll(Shapes, shape => (int)ShapeInference.Elements(shape));
        InputSize = NodeSizes[0];
        OutputSize = (int)ShapeInference.Elements(Shapes[^1]);
        if (Shapes[^1].Length != 1)
            throw new InvalidDataException($"model output: shape [{string.Join(",", Shapes[^1])}] is not a vector of logits (add Flatten)");
        if (spec.Labels.Count != 0 && spec.Labels.Count != OutputSize)
            throw new InvalidDataException($"labels: {spec.Labels.Count} labels for {OutputSize} outputs");
    }

    /// <summary>Loads a model file written by <c>plrp-convert</c> (format: docs/model-format.md).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid model; the message names the file, field and problem.</exception>
    public static Model Load(string path, ModelOptions? options = null) => new(ModelFile.Read(path), options);

    /// <summary>Builds a model from an in-memory graph (validated like a file).</summary>
    public static Model FromSpec(ModelSpec spec, ModelOptions? options = null) => new(spec, options);

    /// <summary>How the model runs (memory mode), as loaded.</summary>
    public ModelOptions Options { get; }

    /// <summary>The graph as stored.</summary>
    public ModelSpec Spec { get; }

    /// <summary>Input shape without the batch dimension.</summary>
    public IReadOnlyList<int> InputShape => Spec.InputShape;

    /// <summary>Input elements per sample.</summary>
    public int InputSize { get; }

    /// <summary>Number of logits (classes).</summary>
    public int OutputSize { get; }

    /// <summary>Class labels (empty when the model has none).</summary>
    public IReadOnlyList<string> Labels => Spec.Labels;

    /// <summary>Node count (node 0 is the input).</summary>
    public int NodeCount => Spec.Nodes.Count;

    internal int[][] Shapes { get; }

    /// <summary>Elements per sample of each node's output (the product of <see cref="Shapes"/>), computed once.</summary>
    internal int[] NodeSizes { get; }

    internal Layer?[] Layers { get; }

    /// <summary>For each node id, the ids of the nodes that read its output.</summary>
    internal int[][] Readers { get; }

    /// <summary>Pruned LRP's pruning points: node ids whose outputs are inputs of dense/conv layers (not the network
    /// input or its reshapes), from the output towards the input; node 0 last when <paramref name="includeInput"/>.</summary>
    public IReadOnlyList<int> PruningPoints(bool includeInput = false) => PruningPlan.Points(this, includeInput);

    /// <summary>Elements per sample of node <paramref name="id"/>'s output.</summary>
    public int NodeSize(int id) => NodeSizes[id];

    /// <summary>Output shape of node <paramref name="id"/> without batch.</summary>
    public IReadOnlyList<int> NodeShape(int id) => Shapes[id];

    /// <summary>Logits for a batch: <paramref name="input"/> holds <c>batch * InputSize</c> floats, the result
    /// <c>batch * OutputSize</c>. Convenience over a cached <see cref="Predictor"/> (allocates the result).</summary>
    public float[] Predict(ReadOnlySpan<float> input)
    {
        int batch = BatchOf(input.Length);
        var logits = new float[batch * OutputSize];
        var predictor = Interlocked.Exchange(ref _cachedPredictor, null) ?? new Predictor(this);
        predictor.Predict(input, logits);
        Interlocked.Exchange(ref _cachedPredictor, predictor);
        return logits;
    }

    internal int BatchOf(int inputLength)
    {
        if (inputLength == 0 || inputLength % InputSize != 0)
            throw new ArgumentException($"input has {inputLength} values, not a positive multiple of the sample size {InputSize} ([{string.Join(",", Spec.InputShape)}])");
        return inputLength / InputSize;
    }
}
