using PrunedLrp.Kernels;
using PrunedLrp.Layers;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>
/// The lean memory mode's left operands: blocks packed straight from stored weights through a rule's map, as rows
/// (W) or columns (W^T), give the product of the modified matrix (plain-loop twin on the modified copy).
/// </summary>
public unsafe class WeightPanelsTests
{
    public static TheoryData<int, int, int, int, bool> Cases()
    {
        var data = new TheoryData<int, int, int, int, bool>();
        // m x k of op(A), n, variant; sizes past MC (120) and KC (256) rows/depth, odd tails, and empty products.
        int[][] sizes = [[1, 1, 1], [7, 13, 5], [121, 257, 17], [257, 600, 37], [6, 1000, 3], [300, 9, 129], [0, 5, 3], [5, 0, 3], [5, 3, 0]];
        int variant = 0;
        foreach (var size in sizes)
            foreach (bool columns in new[] { false, true })
                data.Add(size[0], size[1], size[2], variant++ % Enum.GetValues<WeightVariant>().Length, columns);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PackedFromWeights_MatchesProductOfModifiedCopy(int m, int k, int n, int variantIndex, bool columns)
    {
        var variant = (WeightVariant)variantIndex;
        var rng = new Random(m * 31 + k * 7 + n + variantIndex);
        // Stored as W [m, k] (rows) or W [k, m] (columns, op(A) = W^T), with a wider leading dimension than needed.
        int rows = columns ? k : m, width = columns ? m : k, stride = width + 3;
        var stored = KernelAssert.Random(rng, rows * stride);
        var b = KernelAssert.Random(rng, k * n);
        var c = KernelAssert.Random(rng, m * n); // garbage that must be overwritten
        var modified = WeightVariants.Modify(stored, variant, 0.25f);
        fixed (float* pw = stored)
        {
            var panels = new WeightPanels { Weight = pw, Stride = stride, Map = WeightVariants.Map(variant, 0.25f) };
            var a = columns ? LeftOperand.PackedBy(m, k, &WeightPanels.PackColumns, &panels)
                : LeftOperand.PackedBy(m, k, &WeightPanels.PackRows, &panels);
            Gemm.Multiply(a, n, b, n, c, n, accumulate: false);
        }
        var expected = ReferenceGemm.Multiply(columns, false, m, n, k, modified, stride, b, n, new float[m * n], n, accumulate: false);
        KernelAssert.Close(expected, c, k, $"{m}x{k}x{n} {variant} {(columns ? "W^T" : "W")}");
    }
}
