using PrunedLrp.Graph;
using PrunedLrp.Kernels;

namespace PrunedLrp.Layers;

/// <summary>Pooling geometry: the shared window shape plus the end padding that bounds PyTorch's divisor.</summary>
internal readonly record struct PoolWindow(ConvShape Shape, int PadBottom, int PadRight)
{
    public static PoolWindow From(NodeSpec spec, int[] input, int[] output)
    {
        var shape = WindowGeometry.Pool(spec, input, output);
        bool is1d = input.Length == 2;
        return new PoolWindow(shape, is1d ? 0 : spec.PadsEnd[0], spec.PadsEnd[^1]);
    }
}
