using PrunedLrp.Graph;

namespace PrunedLrp.Convert.Rewrites;

/// <summary>
/// Folds a zero-valued constant Pad into the Conv or pool that reads it. Why each case is exact:
/// <list type="bullet">
/// <item>Conv pads with zeros itself, so explicit zeros and implicit zeros are the same: pads add.</item>
/// <item>AveragePool after an explicit Pad averages the padded zeros as real data, i.e. divides by the whole window:
/// that is count_include_pad = 1 on the combined padding (PyTorch's AvgPool(padding=p, count_include_pad=True) exports
/// exactly as Pad(p) + AveragePool(pads=0)). If the pool has its own pads with count_include_pad = 0, the two kinds of
/// padding are counted differently and no single node can express it: rejected.</item>
/// <item>MaxPool's own padding never wins, explicit zeros can: equal only when the padded input is &gt;= 0 (a Relu
/// output) and every window still covers a real value (the shape check enforces pads &lt;= kernel / 2).</item>
/// </list>
/// </summary>
internal static class PadFolding
{
    /// <summary>Spatial begin/end pads from an ONNX pads vector <c>[x1_begin, x2_begin, ..., x1_end, x2_end, ...]</c>
    /// over the listed <paramref name="axes"/> (all axes when null) of a tensor of rank <paramref name="rank"/>
    /// (batch included). Batch and channel pads must be 0, spatial pads &gt;= 0.</summary>
    public static (int[] Begin, int[] End) SpatialPads(long[] pads, long[]? axes, int rank, string where)
    {
        axes ??= Enumerable.Range(0, rank).Select(a => (long)a).ToArray();
        if (pads.Length != 2 * axes.Length)
            throw new ConversionException($"{where}: pads has {pads.Length} values, want {2 * axes.Length} (begin and end per axis)");
        var begin = new int[rank - 2];
        var end = new int[rank - 2];
        for (int i = 0; i < axes.Length; i++)
        {
            long axis = axes[i] < 0 ? axes[i] + rank : axes[i];
            if (axis < 0 || axis >= rank)
                throw new ConversionException($"{where}: axis {axes[i]} is outside the tensor rank {rank}");
            long b = pads[i], e = pads[i + axes.Length];
            if (axis < 2)
            {
                if (b != 0 || e != 0)
                    throw new ConversionException($"{where}: pads the {(axis == 0 ? "batch" : "channel")} axis ({b}, {e}); only spatial axes may be padded");
                continue;
            }
            if (b < 0 || e < 0 || b > 1 << 20 || e > 1 << 20)
                throw new ConversionException($"{where}: pads ({b}, {e}) on axis {axis} must be in 0..{1 << 20} (negative pads crop, which is not supported)");
            begin[axis - 2] = (int)b;
            end[axis - 2] = (int)e;
        }
        return (begin, end);
    }

    /// <summary>Combines a pending <paramref name="pad"/> with the padding of the Conv/pool of kind
    /// <paramref name="kind"/> that reads it; returns the node's new pads and count_include_pad.</summary>
    public static (int[] Begin, int[] End, bool CountIncludePad) Fold(OpKind kind, PaddedValue pad, int[] begin,
        int[] end, bool countIncludePad, string where)
    {
        if (pad.Begin.Length != begin.Length)
            throw new ConversionException($"{where}: reads Pad '{pad.PadNode}' over {pad.Begin.Length} spatial axes, but has {begin.Length}");
        bool ownPads = begin.Any(p => p != 0) || end.Any(p => p != 0);
        switch (kind)
        {
            case OpKind.Conv:
                break;
            case OpKind.AvgPool:
                if (ownPads && !countIncludePad)
                    throw new ConversionException($"{where}: AveragePool with its own pads and count_include_pad=0 after Pad '{pad.PadNode}' counts the two paddings differently; not supported");
                countIncludePad = true;
                break;
            case OpKind.MaxPool:
                if (!pad.Source.NonNegative)
                    throw new ConversionException($"{where}: MaxPool after Pad '{pad.PadNode}' is supported only when the padded tensor is a Relu output (zeros could win otherwise); it is {pad.Source}");
                break;
            default:
                throw new ConversionException($"{where}: Pad '{pad.PadNode}' can only be folded into Conv, MaxPool or AveragePool");
        }
        var b = new int[begin.Length];
        var e = new int[end.Length];
        for (int a = 0; a < b.Length; a++)
        {
            b[a] = begin[a] + pad.Begin[a];
            e[a] = end[a] + pad.End[a];
        }
        return (b, e, countIncludePad);
    }
}
