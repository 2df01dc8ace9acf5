using PrunedLrp.Convert;
using PrunedLrp.Convert.Onnx;
using PrunedLrp.Graph;
using Xunit;

namespace PrunedLrp.Tests.Convert;

internal static class ConverterTestHelpers
{
    public static ModelSpec Import(ModelProto model, int[]? inputShape = null) => OnnxImporter.Import(model, inputShape);

    /// <summary>Asserts the conversion fails and the message contains every fragment.</summary>
    public static string Reject(ModelProto model, params string[] fragments)
    {
        var e = Assert.Throws<ConversionException>(() => OnnxImporter.Import(model, null));
        foreach (string f in fragments)
            Assert.Contains(f, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double relative = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1e-6;
        foreach (float v in expected)
            scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * scale, $"index {i}: expected {expected[i]}, got {actual[i]}");
    }

    public static OpKind[] Kinds(ModelSpec m) => m.Nodes.Select(n => n.Kind).ToArray();
}
