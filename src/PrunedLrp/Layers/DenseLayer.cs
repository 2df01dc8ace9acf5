using PrunedLrp.Graph;
using PrunedLrp.Kernels;

namespace PrunedLrp.Layers;

/// <summary>Fully connected layer <c>y[n, j] = sum_i x[n, i] W[j, i] + b[j]</c>; weight [out, in].</summary>
internal sealed class DenseLayer : LinearLayer
{
    readonly int _out, _in;
    readonly bool _keepPacked;

    public DenseLayer(int id, NodeSpec spec, int[][] inputShapes, int[] outputShape, MemoryMode memory)
        : base(id, spec, inputShapes, outputShape)
    {
        _out = spec.WeightShape[0];
        _in = spec.WeightShape[1];
        _keepPacked = memory == MemoryMode.Fast;
        Operator = CreateOperator(Weight);
    }

    public override int OutputChannels => _out;

    public override ILinearOperator Operator { get; }

    public override ILinearOperator CreateOperator(ReadOnlyMemory<float> weight) => new Adapter(new DenseOperator(_out, _in, weight, _keepPacked), weight);

    sealed class Adapter(DenseOperator op, ReadOnlyMemory<float> weight) : ILinearOperator
    {
        public int ScratchLength(int batch) => 0;

        public void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int batch, Span<float> scratch, KeptEntries kept = default)
        {
            int @in = op.InFeatures, @out = op.OutFeatures;
            if (Listed(kept, batch))
            {
                for (int n = 0; n < batch; n++)
                    KeptDense.Forward(weight.Span, @out, @in, x.Slice(n * @in, @in), kept.Of(n), bias, y.Slice(n * @out, @out));
                return;
            }
            op.Forward(x, bias, y, batch);
        }

        public void BackwardData(ReadOnlySpan<float> dy, Span<float> dx, int batch, Span<float> scratch, ReadOnlySpan<float> factor = default,
            KeptEntries kept = default)
        {
            int @in = op.InFeatures, @out = op.OutFeatures;
            if (Listed(kept, batch))
            {
                for (int n = 0; n < batch; n++)
                    KeptDense.BackwardData(weight.Span, @out, @in, dy.Slice(n * @out, @out), kept.Of(n), dx.Slice(n * @in, @in));
                return;
            }
            op.BackwardData(dy, dx, batch); // exact sums: nothing to bound
            if (!kept.IsEmpty)
                kept.ClearOthers(dx, @in);
        }

        bool Listed(KeptEntries kept, int batch) => kept.Describes(batch) && KeptDense.Pays(op.InFeatures, kept.MaxCount);

        public int ListedOutputLimit => ListedOutputDense.Limit(op.OutFeatures);

        public void ForwardAt(ReadOnlySpan<float> x, ReadOnlySpan<int> outputs, ReadOnlySpan<float> bias, Span<float> z)
            => ListedOutputDense.At(weight.Span, op.OutFeatures, op.InFeatures, x, outputs, bias, z);

        public void BackwardDataListed(ReadOnlySpan<int> outputs, ReadOnlySpan<float> dy, Span<float> dx)
            => ListedOutputDense.Transposed(weight.Span, op.OutFeatures, op.InFeatures, outputs, dy, dx);
    }
}
