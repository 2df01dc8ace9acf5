using PrunedLrp.Kernels;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>
/// <see cref="ClippedRows"/> against a plain loop: every start left of, inside and right of the row, strides 1-3, and
/// row widths and lengths around the 8- and 16-float vector steps. The row sits between NaN-filled neighbours, which
/// must never reach an output, and the output between NaN guards, which must stay untouched.
/// </summary>
public unsafe class ClippedRowsTests
{
    const int Guard = 24;

    public static TheoryData<int> Strides() => new() { 1, 2, 3 };

    [Theory]
    [MemberData(nameof(Strides))]
    public void Gather_EveryStartAndLength_MatchesPlainLoop(int stride)
    {
        var rng = new Random(7 + stride);
        int[] widths = [0, 1, 2, 7, 8, 13, 14, 15, 16, 17, 28, 31, 32, 33, 56, 229, 257];
        int[] lengths = [0, 1, 5, 7, 8, 9, 14, 15, 16, 17, 24, 28, 33, 112, 129];
        foreach (int width in widths)
        {
            // [Guard NaN | row | Guard NaN]: reads past either end of the row land on NaN.
            var source = new float[width + 2 * Guard];
            Array.Fill(source, float.NaN);
            for (int i = 0; i < width; i++) source[Guard + i] = (float)(rng.NextDouble() * 2 - 1);
            foreach (int length in lengths)
            for (int iw = -9; iw <= width + 3; iw += iw < 20 || iw > width - 20 ? 1 : 7)
            {
                var output = new float[length + 2 * Guard];
                Array.Fill(output, float.NaN);
                fixed (float* ps = source)
                fixed (float* po = output)
                    ClippedRows.Gather(ps + Guard, width, iw, stride, length, po + Guard);
                for (int i = 0; i < output.Length; i++)
                {
                    int t = i - Guard, at = iw + t * stride;
                    bool written = t >= 0 && t < length;
                    float want = !written ? float.NaN : at >= 0 && at < width ? source[Guard + at] : 0f;
                    if (!(output[i] == want || (float.IsNaN(output[i]) && float.IsNaN(want))))
                        Assert.Fail($"stride {stride}, width {width}, start {iw}, length {length}: output {t} is {output[i]}, want {want}");
                }
            }
        }
    }
}
