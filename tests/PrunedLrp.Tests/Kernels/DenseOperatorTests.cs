using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

public class DenseOperatorTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(10, 7, 1)]
    [InlineData(17, 33, 2)]
    [InlineData(257, 129, 3)]
    [InlineData(64, 300, 1)]
    [InlineData(1000, 513, 1)]   // big enough for two threads at batch 1
    [InlineData(100, 257, 7)]
    [InlineData(301, 259, 5)]
    [InlineData(3, 70000, 1)]   // few rows, long rows
    [InlineData(33, 65, 13)]
    [InlineData(0, 5, 2)]
    [InlineData(5, 0, 2)]
    [InlineData(70, 2000, 4)]   // the largest batch of the vector path, split over threads
    [InlineData(70, 2000, 5)]   // the smallest batch of the packed GEMM path
    [InlineData(2, 3, 4)]
    public void ForwardAndBackward_MatchReference(int outF, int inF, int batch)
    {
        // Both memory modes: W^T and W packed and kept for batches above the vector path, or packed block by block.
        foreach (bool keepPacked in new[] { true, false })
            CheckAgainstReference(outF, inF, batch, keepPacked);
    }

    static void CheckAgainstReference(int outF, int inF, int batch, bool keepPacked)
    {
        var rng = new Random(outF * 1000 + inF + batch);
        var w = KernelAssert.Random(rng, outF * inF);
        var bias = KernelAssert.Random(rng, outF);
        var x = KernelAssert.Random(rng, batch * inF);
        var dy = KernelAssert.Random(rng, batch * outF);
        var op = new DenseOperator(outF, inF, w, keepPacked);
        string mode = keepPacked ? "kept packing" : "packed per product";

        var y = KernelAssert.Random(rng, batch * outF); // garbage that must be overwritten
        op.Forward(x, bias, y, batch);
        KernelAssert.Close(ReferenceDense.Forward(outF, inF, w, x, bias, batch), y, inF, $"forward with bias, {mode}");
        op.Forward(x, [], y, batch);
        KernelAssert.Close(ReferenceDense.Forward(outF, inF, w, x, [], batch), y, inF, $"forward without bias, {mode}");

        var dx = KernelAssert.Random(rng, batch * inF); // garbage that must be overwritten
        op.BackwardData(dy, dx, batch);
        KernelAssert.Close(ReferenceDense.BackwardData(outF, inF, w, dy, batch), dx, outF, $"backward, {mode}");
    }

    [Theory]
    [InlineData(1000, 513, 1)]
    [InlineData(70, 2000, 3)]
    [InlineData(257, 129, 4)]
    public void Backward_WithZeroRowsOfDy_MatchesReference(int outF, int inF, int batch)
    {
        // The relevance pass sends dy = 0 for outputs a ReLU cut; those rows are skipped, per sample.
        var rng = new Random(outF + inF * 7 + batch);
        var w = KernelAssert.Random(rng, outF * inF);
        var dy = KernelAssert.Random(rng, batch * outF);
        for (int i = 0; i < dy.Length; i++)
            if (rng.Next(3) != 0) dy[i] = 0f;
        for (int j = 0; j < outF; j += 5)
            for (int n = 0; n < batch; n++) dy[n * outF + j] = 0f; // rows zero in every sample
        var dx = KernelAssert.Random(rng, batch * inF);
        new DenseOperator(outF, inF, w).BackwardData(dy, dx, batch);
        KernelAssert.Close(ReferenceDense.BackwardData(outF, inF, w, dy, batch), dx, outF, "backward with zero rows");
    }

    [Fact]
    public void Forward_BatchOne_MatchesReference_ForEveryRowGroupAndVectorTail()
    {
        // At batch 1 rows go four at a time with two 8-wide partial sums each: cover row counts around the group of four
        // (and the thread split's ranges, from 1000 rows on) and input lengths across the 16-float step's tails.
        var rng = new Random(43);
        foreach (int outF in new[] { 1, 2, 3, 4, 5, 7, 8, 9, 1001 })
        {
            for (int inF = 0; inF <= 257; inF += inF < 40 ? 1 : 31)
            {
                var w = KernelAssert.Random(rng, outF * inF);
                var x = KernelAssert.Random(rng, inF);
                var bias = KernelAssert.Random(rng, outF);
                var y = KernelAssert.Random(rng, outF);
                var op = new DenseOperator(outF, inF, w);
                op.Forward(x, bias, y, 1);
                KernelAssert.Close(ReferenceDense.Forward(outF, inF, w, x, bias, 1), y, Math.Max(inF, 1), $"{outF} x {inF} with bias");
                op.Forward(x, [], y, 1);
                KernelAssert.Close(ReferenceDense.Forward(outF, inF, w, x, [], 1), y, Math.Max(inF, 1), $"{outF} x {inF} without bias");
            }
        }
    }

    [Fact]
    public void Backward_BatchOne_EqualsRowByRowSums_ForEveryBlockRemainder()
    {
        // At batch 1 the non-zero rows are added eight at a time; each product is still rounded and added in row order,
        // so dx equals the plain row-by-row float sum bit for bit, whatever the count of rows modulo the block and the
        // width modulo the vector (widths up to 2 x 8 x 33 cross the thread split's ranges too).
        var rng = new Random(41);
        foreach (int outF in new[] { 1, 7, 8, 9, 15, 16, 17, 23, 40, 101 })
        foreach (int inF in new[] { 1, 5, 8, 13, 64, 255, 528, 70_001 })
        {
            var w = KernelAssert.Random(rng, outF * inF);
            var dy = KernelAssert.Random(rng, outF);
            for (int j = 0; j < outF; j++)
                if (rng.Next(4) == 0) dy[j] = 0f;
            var dx = KernelAssert.Random(rng, inF);
            new DenseOperator(outF, inF, w).BackwardData(dy, dx, 1);
            var expected = new float[inF];
            for (int j = 0; j < outF; j++)
            {
                if (dy[j] == 0f) continue;
                for (int i = 0; i < inF; i++)
                    expected[i] = expected[i] + w[j * inF + i] * dy[j];
            }
            Assert.True(expected.AsSpan().SequenceEqual(dx), $"{outF} x {inF}: dx differs from the row-by-row sums");
        }
    }

    [Fact]
    public void Constructor_WrongWeightLength_Throws() =>
        Assert.Throws<ArgumentException>(() => new DenseOperator(3, 4, new float[11]));

    [Fact]
    public void Forward_ShortOutput_Throws()
    {
        var op = new DenseOperator(3, 4, new float[12]);
        Assert.Throws<ArgumentException>(() => op.Forward(new float[8], [], new float[5], 2));
    }
}
