using PrunedLrp.Graph;
using PrunedLrp.Kernels;

namespace PrunedLrp.Layers;

/// <summary>Maps a node's 1-D or 2-D window attributes onto <see cref="ConvShape"/> (1-D becomes 2-D with height 1).</summary>
internal static class WindowGeometry
{
    public static ConvShape Conv(NodeSpec spec, int[] input, int[] output)
        => Make(spec, input, output, output[0], spec.Groups);

    public static ConvShape Pool(NodeSpec spec, int[] input, int[] output)
        => Make(spec, input, output, input[0], input[0]);

    static ConvShape Make(NodeSpec spec, int[] input, int[] output, int outChannels, int groups)
    {
        bool is1d = input.Length == 2;
        int a = is1d ? 0 : 1; // index of the width axis in the spatial attributes
        return new ConvShape(
            InChannels: input[0], OutChannels: outChannels, Groups: groups,
            InHeight: is1d ? 1 : input[1], InWidth: input[^1],
            KernelHeight: is1d ? 1 : spec.Kernel[0], KernelWidth: spec.Kernel[a],
            StrideHeight: is1d ? 1 : spec.Strides[0], StrideWidth: spec.Strides[a],
            PadTop: is1d ? 0 : spec.PadsBegin[0], PadLeft: spec.PadsBegin[a],
            DilationHeight: is1d ? 1 : spec.Dilations[0], DilationWidth: spec.Dilations[a],
            OutHeight: is1d ? 1 : output[1], OutWidth: output[^1]);
    }
}
