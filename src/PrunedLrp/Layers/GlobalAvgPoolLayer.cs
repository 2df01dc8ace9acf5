using System.Numerics.Tensors;
using PrunedLrp.Graph;

namespace PrunedLrp.Layers;

/// <summary>
/// Mean over all positions per channel, [C, ...] to [C]. Relevance by the Norm rule (Zennit's rule for average pools):
/// <c>R_i = x_i * (1/P) * R_c / stab(z_c)</c> for the P positions i of channel c, z_c the forward mean.
/// </summary>
internal sealed class GlobalAvgPoolLayer(int id, NodeSpec spec, int[][] inputShapes, int[] outputShape, float stabilizer)
    : Layer(id, spec, inputShapes, outputShape), IRelevanceStep
{
    int Positions => InputSize / OutputSize;

    public override void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> x2, Span<float> y, int batch, Span<float> scratch)
    {
        int p = Positions;
        for (int j = 0; j < batch * OutputSize; j++)
            y[j] = TensorPrimitives.Sum(x.Slice(j * p, p)) / p;
    }

    public int ScratchLength(int batch) => batch * InputSize;

    public void Backward(ref RelevanceArgs args)
    {
        int p = Positions;
        int n = args.RIn.Length;
        var x = args.X[..n];
        if (!args.Mask.IsEmpty)
        {
            var masked = args.Scratch[..n];
            TensorPrimitives.Multiply(x, args.Mask, masked);
            x = masked;
        }
        for (int j = 0; j < args.ROut.Length && j * p < n; j++)
        {
            var xj = x.Slice(j * p, p);
            float z = args.Mask.IsEmpty ? args.Z[j] : TensorPrimitives.Sum(xj) / p;
            float s = args.ROut[j] / Stabilizer.Apply(z, stabilizer) / p;
            TensorPrimitives.Multiply(xj, s, args.RIn.Slice(j * p, p));
        }
    }
}
