using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

public class GemmTests
{
    // Sizes around the vector width (8), the register tile (6 x 16), the blocks (KC 256, MC 120) and odd values.
    static readonly int[] Sizes = [0, 1, 2, 3, 5, 6, 7, 8, 9, 12, 15, 16, 17, 23, 31, 32, 33, 47, 63, 65, 97, 119, 120, 121, 127, 129, 193, 255, 256, 257, 383, 384, 385];

    public static TheoryData<bool, bool, int> TransCases()
    {
        var data = new TheoryData<bool, bool, int>();
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        foreach (int seed in new[] { 1, 2, 3 })
            data.Add(ta, tb, seed);
        return data;
    }

    [Theory]
    [MemberData(nameof(TransCases))]
    public void Multiply_MatchesReference_OverSampledSizes(bool transA, bool transB, int seed)
    {
        var rng = new Random(seed * 31 + (transA ? 2 : 0) + (transB ? 1 : 0));
        for (int trial = 0; trial < 40; trial++)
        {
            int m = Sizes[rng.Next(Sizes.Length)], n = Sizes[rng.Next(Sizes.Length)], k = Sizes[rng.Next(Sizes.Length)];
            Check(rng, transA, transB, m, n, k, accumulate: rng.Next(2) == 0);
        }
    }

    public static TheoryData<bool, bool, int, Tile> OtherTileCases()
    {
        var data = new TheoryData<bool, bool, int, Tile>();
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        foreach (int seed in new[] { 1, 2, 3 })
        foreach (var tile in new[] { Tile.Portable, Tile.Vector256 })
            data.Add(ta, tb, seed, tile);
        return data;
    }

    /// <summary>The register tiles a default call may not reach on this machine: the portable Vector128 one, and the
    /// Vector256 6 x 16 one where the AVX-512 tile would run (on other CPUs, the same path as the default).</summary>
    public enum Tile { Default, Portable, Vector256 }

    [Theory]
    [MemberData(nameof(OtherTileCases))]
    public void Multiply_OtherTiles_MatchReference(bool transA, bool transB, int seed, Tile tile)
    {
        var rng = new Random(seed * 17 + (transA ? 2 : 0) + (transB ? 1 : 0) + 100 * (int)tile);
        for (int trial = 0; trial < 10; trial++)
        {
            int m = Sizes[rng.Next(Sizes.Length)], n = Sizes[rng.Next(Sizes.Length)], k = Sizes[rng.Next(Sizes.Length)];
            Check(rng, transA, transB, m, n, k, accumulate: rng.Next(2) == 0, tile);
        }
    }

    // A last column panel of 1 to 4 columns (n = 16 j + 1..4) runs the column edge tile (A's rows in the lanes, masked
    // loads; k four steps at a time for one column, two for more, then the rest one by one): every depth from 0 to 40
    // and around the depth block, every row count of a row panel.
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(49)]
    [InlineData(20)]
    public void Multiply_FewColumnEdge_EveryDepth_MatchesReference(int n)
    {
        var rng = new Random(n);
        int[] depths = [.. Enumerable.Range(0, 41), 255, 256, 257, 263];
        foreach (int k in depths)
        foreach (int m in new[] { 2, 5, 6, 13 })
            Check(rng, transA: rng.Next(2) == 0, transB: rng.Next(2) == 0, m, n, k, accumulate: rng.Next(2) == 0);
    }

    [Theory]
    [InlineData(false, false, 1, 2100, 40)]   // n > NC: several column blocks, one row
    [InlineData(true, false, 250, 37, 600)]   // m > 2 MC, k > 2 KC
    [InlineData(false, false, 13, 40, 515)]   // k split as 172 + 172 + 171: equal depth blocks, a shorter last one
    [InlineData(false, true, 7, 3000, 300)]   // wide, split along N on two threads
    [InlineData(true, true, 301, 45, 513)]    // split along M
    [InlineData(false, false, 200, 70, 1100)] // split along M, a large B that both chunks pack
    [InlineData(true, true, 130, 150, 700)]   // the same, both transposed
    public void Multiply_LargeBlocks_MatchesReference(bool transA, bool transB, int m, int n, int k)
    {
        var rng = new Random(m + n + k);
        Check(rng, transA, transB, m, n, k, accumulate: false);
        Check(rng, transA, transB, m, n, k, accumulate: true);
    }

    [Fact]
    public void Multiply_PackedOperands_MatchReference()
    {
        var rng = new Random(5);
        for (int trial = 0; trial < 40; trial++)
        {
            int m = Sizes[rng.Next(Sizes.Length)], n = Sizes[rng.Next(Sizes.Length)], k = Sizes[rng.Next(Sizes.Length)];
            if (trial % 10 == 0) k = 300 + trial;
            bool ta = rng.Next(2) == 0, tb = rng.Next(2) == 0, acc = rng.Next(2) == 0;
            int lda = (ta ? m : k) + rng.Next(3), ldb = (tb ? k : n) + rng.Next(3), ldc = n + rng.Next(3);
            var a = KernelAssert.Random(rng, (ta ? k : m) * lda);
            var b = KernelAssert.Random(rng, (tb ? n : k) * ldb);
            var c0 = KernelAssert.Random(rng, m * ldc);
            var expected = ReferenceGemm.Multiply(ta, tb, m, n, k, a, lda, b, ldb, c0, ldc, acc);

            var c = (float[])c0.Clone();
            Gemm.Multiply(PackedMatrix.PackLeft(ta, m, k, a, lda), tb, n, b, ldb, c, ldc, acc);
            KernelAssert.Close(expected, c, k, $"packed A {m}x{n}x{k} ta={ta} tb={tb} acc={acc}");

            c = (float[])c0.Clone();
            Gemm.Multiply(ta, m, a, lda, PackedMatrix.PackRight(tb, k, n, b, ldb), c, ldc, acc);
            KernelAssert.Close(expected, c, k, $"packed B {m}x{n}x{k} ta={ta} tb={tb} acc={acc}");
        }
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(7, 13, false)]
    [InlineData(13, 515, true)]  // three depth blocks, a partial row panel
    [InlineData(12, 257, false)]
    [InlineData(301, 700, false)]  // packed on two threads: 3 depth blocks, each in two halves of row panels
    [InlineData(301, 700, true)]
    [InlineData(5, 20000, false)]  // one row panel: the depth blocks alone split the work
    [InlineData(7, 9400, true)]    // two row panels, the second partial
    public void UnpackLeft_ReturnsThePackedMatrix(int m, int k, bool transA)
    {
        var rng = new Random(m * 1000 + k);
        int lda = (transA ? m : k) + 2;
        var a = KernelAssert.Random(rng, (transA ? k : m) * lda);
        var unpacked = new float[m * k];
        PackedMatrix.PackLeft(transA, m, k, a, lda).UnpackLeft(unpacked);
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++)
                Assert.Equal(transA ? a[p * lda + i] : a[i * lda + p], unpacked[i * k + p]);
    }

    /// <summary>
    /// C = A B + bias 1^T, the bias set per register tile: against the plain loop started from the bias. The sizes cross
    /// the tiles (m = 6 mod 12 leaves a 6-row panel to the 6 x 16 tile where the AVX-512 12 x 16 one runs), the depth
    /// blocks (only the first takes the bias), both threads, and k = 0 (C is the bias alone). Stale values in C must go.
    /// </summary>
    [Fact]
    public unsafe void Multiply_RowBias_MatchesReference()
    {
        var rng = new Random(11);
        int[][] shapes = [[1, 1, 1], [6, 16, 5], [18, 17, 3], [13, 40, 515], [121, 300, 257], [30, 3000, 40], [7, 9, 0], [0, 5, 4], [5, 0, 4]];
        foreach (var shape in shapes)
        for (int trial = 0; trial < 4; trial++)
        {
            int m = shape[0], n = shape[1], k = shape[2];
            if (trial >= 2) (m, n, k) = (Sizes[rng.Next(Sizes.Length)], Sizes[rng.Next(Sizes.Length)], Sizes[rng.Next(Sizes.Length)]);
            int ldc = n + rng.Next(3);
            var a = KernelAssert.Random(rng, m * k);
            var b = KernelAssert.Random(rng, k * n);
            var bias = KernelAssert.Random(rng, m + 2); // longer than needed: only the first m are read
            var c = KernelAssert.Random(rng, m * ldc);  // stale values, to be overwritten (the row gaps kept)
            var start = (float[])c.Clone();
            for (int i = 0; i < m; i++)
                start.AsSpan(i * ldc, n).Fill(bias[i]);
            var expected = ReferenceGemm.Multiply(false, false, m, n, k, a, k, b, n, start, ldc, accumulate: true);
            var packed = PackedMatrix.PackLeft(false, m, k, a, k);
            Gemm.Multiply(LeftOperand.Of(packed), n, b, n, c, ldc, accumulate: false, rowBias: bias);
            KernelAssert.Close(expected, c, k, $"row bias {m}x{n}x{k} ldc={ldc}");
        }
    }

    /// <summary>
    /// The ReLU fused into the product, with and without a row bias and over products that accumulate into C: against
    /// the plain loop, and bit for bit max(., 0) of the same product unrectified (the full 6 x 16 tiles apply bias and
    /// ReLU in registers, the edge and AVX-512 tiles in passes over C; both must give the same values). Sizes cross full
    /// and edge tiles, several depth blocks (only the last rectifies), both threads; C holds a NaN and negative zeros.
    /// </summary>
    [Fact]
    public void Multiply_Rectify_IsTheReluOfTheSameProduct()
    {
        var rng = new Random(12);
        int[][] shapes = [[6, 16, 5], [12, 32, 64], [18, 17, 3], [13, 40, 515], [121, 300, 257], [64, 784, 256], [30, 3000, 40], [7, 9, 0]];
        foreach (var shape in shapes)
        foreach (var (withBias, accumulate) in new[] { (true, false), (false, false), (false, true) })
        {
            int m = shape[0], n = shape[1], k = shape[2], ldc = n + 1;
            var a = KernelAssert.Random(rng, m * k);
            var b = KernelAssert.Random(rng, k * n);
            var bias = withBias ? KernelAssert.Random(rng, m) : [];
            var c0 = KernelAssert.Random(rng, m * ldc); // accumulated into, or stale values to overwrite
            if (m * ldc > 2) { c0[1] = -0f; c0[2] = float.NaN; }
            var start = (float[])c0.Clone();
            if (withBias)
                for (int i = 0; i < m; i++) start.AsSpan(i * ldc, n).Fill(bias[i]);
            var reference = ReferenceGemm.Multiply(false, false, m, n, k, a, k, b, n, start, ldc, accumulate: withBias || accumulate);
            var packed = PackedMatrix.PackLeft(false, m, k, a, k);
            var plain = (float[])c0.Clone();
            Gemm.Multiply(LeftOperand.Of(packed), n, b, n, plain, ldc, accumulate, bias);
            var rectified = (float[])c0.Clone();
            Gemm.Multiply(LeftOperand.Of(packed), n, b, n, rectified, ldc, accumulate, bias, rectify: true);
            string what = $"rectify {m}x{n}x{k} bias {withBias} accumulate {accumulate}";
            var expected = (double[])reference.Clone(); // the gap columns (j >= n) of C stay as they were
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    expected[i * ldc + j] = double.IsNaN(reference[i * ldc + j]) ? double.NaN : Math.Max(reference[i * ldc + j], 0);
            // A NaN accumulated from C stays NaN (checked bit for bit below); the tolerance compares the rest.
            var finite = (float[])rectified.Clone();
            for (int i = 0; i < expected.Length; i++)
                if (double.IsNaN(expected[i])) (expected[i], finite[i]) = (0, 0);
            KernelAssert.Close(expected, finite, k, what);
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float p = plain[i * ldc + j], want = float.IsNaN(p) ? p : Math.Max(p, 0f);
                if (BitConverter.SingleToInt32Bits(want) != BitConverter.SingleToInt32Bits(rectified[i * ldc + j]))
                    Assert.Fail($"{what}: C[{i}, {j}] is {rectified[i * ldc + j]}, max of the plain product {p} is {want}");
            }
        }
    }

    [Fact]
    public void Multiply_RowBiasWithAccumulateOrTooShort_Throws()
    {
        var packed = PackedMatrix.PackLeft(false, 3, 2, new float[6], 2);
        var b = new float[8];
        var c = new float[12];
        var accumulate = Assert.Throws<ArgumentException>(() => Gemm.Multiply(LeftOperand.Of(packed), 4, b, 4, c, 4, accumulate: true, rowBias: new float[3]));
        Assert.Contains("accumulate", accumulate.Message);
        var shortBias = Assert.Throws<ArgumentException>(() => Gemm.Multiply(LeftOperand.Of(packed), 4, b, 4, c, 4, accumulate: false, rowBias: new float[2]));
        Assert.Contains("2 values, want 3", shortBias.Message);
    }

    [Fact]
    public void Multiply_ConcurrentCallers_AllCorrect()
    {
        // More callers than cores: most find the worker busy and must fall back to one thread, still correct.
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            var rng = new Random(100 + t);
            for (int trial = 0; trial < 6; trial++)
            {
                int m = 40 + rng.Next(150), n = 40 + rng.Next(150), k = 40 + rng.Next(150);
                try { Check(rng, false, false, m, n, k, accumulate: false); }
                catch (Exception e) { failures.Add(e.Message); }
            }
        });
        Assert.Empty(failures);
    }

    [Fact]
    public void Multiply_ShortSpanOrSmallLeadingDimension_Throws()
    {
        var a = new float[6];
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(false, false, 2, 2, 3, a, 3, new float[5], 2, new float[4], 2, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(false, false, 2, 2, 3, a, 2, new float[6], 2, new float[4], 2, false));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(PackedMatrix.PackRight(false, 3, 2, a, 2), false, 2, a, 2, new float[4], 2, false));
    }

    static void Check(Random rng, bool transA, bool transB, int m, int n, int k, bool accumulate, Tile tile = Tile.Default)
    {
        // Leading dimensions wider than the stored rows; the gap in C must stay untouched.
        int lda = (transA ? m : k) + rng.Next(4), ldb = (transB ? k : n) + rng.Next(4), ldc = n + rng.Next(4);
        var a = KernelAssert.Random(rng, (transA ? k : m) * lda);
        var b = KernelAssert.Random(rng, (transB ? n : k) * ldb);
        var c = KernelAssert.Random(rng, m * ldc);
        var expected = ReferenceGemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        if (tile == Tile.Portable) Gemm.MultiplyPortable(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        else if (tile == Tile.Vector256) Gemm.MultiplyNarrow(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        else Gemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        KernelAssert.Close(expected, c, k, $"{m}x{n}x{k} ta={transA} tb={transB} lda={lda} ldb={ldb} ldc={ldc} acc={accumulate}");
    }
}
