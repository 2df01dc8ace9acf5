using PrunedLrp.Graph;
using PrunedLrp.Tests.Support;

namespace PrunedLrp.Tests.Explain;

/// <summary>Small seeded model graphs shared by the explainer and Pruned LRP tests.</summary>
internal static class TestModels
{
    /// <summary>[20] -> dense 16 -> relu -> dense 12 -> relu -> dense 5.</summary>
    public static ModelSpec DenseChain(int seed, bool bias)
    {
        var b = new SpecBuilder([20], seed);
        b.Dense(16, bias: bias);
        b.Op(OpKind.Relu);
        b.Dense(12, bias: bias);
        b.Op(OpKind.Relu);
        b.Dense(5, bias: bias);
        return b.Build();
    }

    /// <summary>[2, 12, 12] -> conv 3x3 p1 -> relu -> maxpool 2 -> conv 3x3 -> relu -> flatten -> dense 5.</summary>
    public static ModelSpec Conv2dChain(int seed, bool bias)
    {
        var b = new SpecBuilder([2, 12, 12], seed);
        b.Conv(4, [3, 3], padsBegin: [1, 1], bias: bias);
        b.Op(OpKind.Relu);
        b.Pool(OpKind.MaxPool, [2, 2]);
        b.Conv(6, [3, 3], bias: bias);
        b.Op(OpKind.Relu);
        b.Op(OpKind.Flatten);
        b.Dense(5, bias: bias);
        return b.Build();
    }

    /// <summary>[4, 40] (DNA-like) -> conv1d k5 p2 -> relu -> maxpool 3 s2 p1 -> conv1d k3 dil2 -> relu -> avgpool 2 ->
    /// flatten -> dense 8 -> relu -> dense 3.</summary>
    public static ModelSpec Conv1dChain(int seed, bool bias, bool avgPool = true)
    {
        var b = new SpecBuilder([4, 40], seed);
        b.Conv(6, [5], padsBegin: [2], bias: bias);
        b.Op(OpKind.Relu);
        b.Pool(OpKind.MaxPool, [3], [2], [1]);
        b.Conv(5, [3], dilations: [2], bias: bias);
        b.Op(OpKind.Relu);
        if (avgPool)
            b.Pool(OpKind.AvgPool, [2], countIncludePad: false);
        b.Op(OpKind.Flatten);
        b.Dense(8, bias: bias);
        b.Op(OpKind.Relu);
        b.Dense(3, bias: bias);
        return b.Build();
    }

    /// <summary>x [3, 6, 6] -> conv 3x3 p1 -> relu -> conv 3x3 p1 -> (+ x) -> relu -> global avg pool -> dense 4.
    /// Node 0 (x) has two readers: the first conv and the Add.</summary>
    public static ModelSpec Residual(int seed, int channels = 3, int size = 6)
    {
        var b = new SpecBuilder([channels, size, size], seed);
        b.Conv(channels, [3, 3], padsBegin: [1, 1]);
        b.Op(OpKind.Relu);
        int conv2 = b.Conv(channels, [3, 3], padsBegin: [1, 1]);
        b.Op(OpKind.Add, conv2, 0);
        b.Op(OpKind.Relu);
        b.Op(OpKind.GlobalAvgPool);
        b.Dense(4);
        return b.Build();
    }

    /// <summary>A residual block in the middle of the network, so that a pruning point (the block's input) has two
    /// readers: [2, 8, 8] -> conv -> relu (p) -> conv -> relu -> conv -> (+ p) -> relu -> flatten -> dense 6 -> relu -> dense 3.</summary>
    public static ModelSpec InnerResidual(int seed, bool bias = true)
    {
        var b = new SpecBuilder([2, 8, 8], seed);
        b.Conv(3, [3, 3], padsBegin: [1, 1], bias: bias);
        int p = b.Op(OpKind.Relu);
        b.Conv(3, [3, 3], padsBegin: [1, 1], bias: bias);
        b.Op(OpKind.Relu);
        int c = b.Conv(3, [3, 3], padsBegin: [1, 1], bias: bias);
        b.Op(OpKind.Add, c, p);
        b.Op(OpKind.Relu);
        b.Op(OpKind.Flatten);
        b.Dense(6, bias: bias);
        b.Op(OpKind.Relu);
        b.Dense(3, bias: bias);
        return b.Build();
    }

    /// <summary><paramref name="batch"/> samples of uniform values in [-1, 1).</summary>
    public static float[] Input(Model model, int batch, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, batch * model.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}
