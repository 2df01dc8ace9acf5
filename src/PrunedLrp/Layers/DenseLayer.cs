using PrunedLrp.Graph;
using PrunedLrp.Kernels;

namespace PrunedLrp.Layers;

/// <summary>Fully connected layer <c>y[n, j] = sum_i x[n, i] W[j, i] + b[j]</c>; weight [out, in].</summary>
internal sealed class DenseLayer : LinearLayer
{
    readonly int _out, _in;

    public DenseLayer(int id, NodeSpec spec, int[][] inputShapes, int[] outputShape)
        : base(id, spec, inputShapes, outputShape)
    {
        _out = spec.WeightShape[0];
        _in = spec.WeightShape[1];
        Operator = CreateOperator(Weight);
    }

    public override int OutputChannels => _out;

    public override ILinearOperator Operator { get; }

    public override ILinearOperator CreateOperator(ReadOnlyMemory<float> weight) => new Adapter(new DenseOperator(_out, _in, weight));

    sealed class Adapter(DenseOperator op) : ILinearOperator
    {
        public int ScratchLength(int batch) => 0;

        public void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int batch, Span<float> scratch)
            => op.Forward(x, bias, y, batch);

        public void BackwardData(ReadOnlySpan<float> dy, Span<float> dx, int batch, Span<float> scratch, ReadOnlySpan<float> factor = default)
            => op.BackwardData(dy, dx, batch); // exact sums: nothing to bound
    }
}
