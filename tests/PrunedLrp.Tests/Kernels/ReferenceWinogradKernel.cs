namespace PrunedLrp.Tests.Kernels;

/// <summary>
/// The plain scalar twin of the Winograd kernel transforms, U = G g G^T of one 3x3 kernel g (row-major), with the
/// matrices G of <c>WinogradTransforms</c> (F(2x2, 3x3)) and <c>WinogradTransforms4</c> (F(4x4, 3x3)). The same
/// operations in the same order as the vector code, so its results are the same bits.
/// </summary>
internal static class ReferenceWinogradKernel
{
    /// <summary>The (m + 2)^2 values u[(m + 2) i + j] of U for output tile m (2 or 4).</summary>
    public static float[] Transform(ReadOnlySpan<float> g, int tile)
    {
        int side = tile + 2;
        var gg = new float[side * 3]; // G g: side x 3
        var u = new float[side * side];
        for (int v = 0; v < 3; v++)
            Column(g[v], g[3 + v], g[6 + v], tile, gg, v, 3);
        for (int i = 0; i < side; i++)
            Column(gg[3 * i], gg[3 * i + 1], gg[3 * i + 2], tile, u, side * i, 1);
        return u;
    }

    // G (a, b, c)^T, written `step` apart from `offset`.
    static void Column(float a, float b, float c, int tile, float[] dst, int offset, int step)
    {
        if (tile == 2)
        {
            dst[offset] = a;
            dst[offset + step] = 0.5f * (a + b + c);
            dst[offset + 2 * step] = 0.5f * (a - b + c);
            dst[offset + 3 * step] = c;
            return;
        }
        const float Sixth = 1f / 6f, Twelfth = 1f / 12f, TwentyFourth = 1f / 24f;
        float outer = (a + c) * Sixth, middle = b * Sixth, near = a * TwentyFourth + c * Sixth, mid = b * Twelfth;
        dst[offset] = a * 0.25f;
        dst[offset + step] = -(outer + middle);
        dst[offset + 2 * step] = middle - outer;
        dst[offset + 3 * step] = near + mid;
        dst[offset + 4 * step] = near - mid;
        dst[offset + 5 * step] = c;
    }
}
