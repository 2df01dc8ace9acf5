using PrunedLrp.Graph;
using PrunedLrp.Layers;
using PrunedLrp.Tests.Support;

namespace PrunedLrp.Tests.Engine;

/// <summary>Runs one compiled layer of a small model directly: forward, and its relevance step with optional masks.</summary>
internal static class LayerHarness
{
    /// <summary>Builds a model from <paramref name="b"/> (a Flatten appended when the last node is not a vector) and returns
    /// the compiled node <paramref name="id"/>.</summary>
    public static (Layer Layer, ModelSpec Spec) Compile(SpecBuilder b, int id)
    {
        if (b.ShapeOf(b.Last).Length > 1)
            b.Op(OpKind.Flatten);
        var spec = b.Build();
        return (Model.FromSpec(spec).Layers[id]!, spec);
    }

    public static float[] Forward(Layer layer, float[] x, int batch, float[]? x2 = null)
    {
        var y = new float[batch * layer.OutputSize];
        layer.Forward(x, x2, y, batch, new float[layer.ForwardScratch(batch)]);
        return y;
    }

    /// <summary>The layer's relevance step; returns (R of input 1, R of input 2 or null).</summary>
    public static (float[] RIn, float[]? RIn2) Backward(Layer layer, float[] x, float[] z, float[] rOut, int batch,
        float[]? mask = null, float[]? x2 = null, float[]? mask2 = null)
    {
        var step = (IRelevanceStep)layer;
        var rIn = new float[batch * layer.InputSize];
        // Garbage in the outputs proves the step overwrites them.
        Array.Fill(rIn, float.NaN);
        var rIn2 = x2 is null ? null : Enumerable.Repeat(float.NaN, x2.Length).ToArray();
        var args = new RelevanceArgs
        {
            Batch = batch, X = x, X2 = x2, Z = z, ROut = rOut, RIn = rIn, RIn2 = rIn2,
            Mask = mask, Mask2 = mask2, Scratch = new float[step.ScratchLength(batch)],
        };
        step.Backward(ref args);
        return (rIn, rIn2);
    }

    public static float[] Uniform(Random random, int n, double low, double high)
        => Enumerable.Range(0, n).Select(_ => (float)(low + random.NextDouble() * (high - low))).ToArray();

    /// <summary>Non-negative activations (as after a ReLU) with about a fifth exact zeros.</summary>
    public static float[] ReluLike(Random random, int n)
        => Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.2 ? 0f : (float)random.NextDouble()).ToArray();

    public static float[] Mask(Random random, int n, double keep = 0.6)
        => Enumerable.Range(0, n).Select(_ => random.NextDouble() < keep ? 1f : 0f).ToArray();

    public static double[] Sample(float[]? values, int n, int size)
        => values is null ? null! : values.Skip(n * size).Take(size).Select(v => (double)v).ToArray();
}
