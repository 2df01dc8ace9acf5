using Xunit;

namespace PrunedLrp.Tests.Support;

internal static class Compare
{
    /// <summary>max |a - b| / max |b| (0 when both are all zero).</summary>
    public static double RelativeMaxError(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxRef = 0, maxErr = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
            maxErr = Math.Max(maxErr, Math.Abs(actual[i] - expected[i]));
        }
        return maxRef == 0 ? maxErr : maxErr / maxRef;
    }

    public static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, double tolerance, string what)
    {
        double err = RelativeMaxError(actual, expected);
        Assert.True(err <= tolerance, $"{what}: relative max error {err:E2} > {tolerance:E0}");
        for (int i = 0; i < actual.Length; i++)
            Assert.True(float.IsFinite(actual[i]), $"{what}: entry {i} is {actual[i]}");
    }

    public static void Close(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance, string what)
    {
        var e = new double[expected.Length];
        for (int i = 0; i < e.Length; i++)
            e[i] = expected[i];
        Close(actual, e, tolerance, what);
    }
}
