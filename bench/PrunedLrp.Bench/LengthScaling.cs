using System.Diagnostics;
using System.Globalization;
using PrunedLrp.Composites;
using PrunedLrp.Graph;

namespace PrunedLrp.Bench;

/// <summary>
/// `scaling [maxLength]`: forward and explain (epsilon-plus-flat) of a genomics-style 1-D CNN on one-hot sequences of
/// 1 kb .. 1 Mb, to show that time and memory grow linearly with the length. The model is built in code (seeded random
/// weights): conv 4->32 k11, ReLU, maxpool 4, conv 32->32 k5, ReLU, global average pool, dense 32->2.
/// </summary>
internal static class LengthScaling
{
    public static void Run(int maxLength)
    {
        Console.WriteLine("| length | forward ms | explain ms | explain µs/kb | managed heap MB after explain |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        for (int length = 1000; length <= maxLength; length *= 10)
        {
            var model = Model.FromSpec(Build(length));
            var random = new Random(5);
            var x = new float[model.InputSize];
            for (int p = 0; p < length; p++)
                x[random.Next(4) * length + p] = 1f;
            var predictor = new Predictor(model);
            var explainer = new Explainer(model, NamedComposites.Get("epsilon-plus-flat"));
            var logits = new float[2];
            var relevance = new float[x.Length];
            double forward = Median(() => predictor.Predict(x, logits));
            double explain = Median(() => explainer.Explain(x, [], relevance));
            double heapMb = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {length:N0} | {forward:F2} | {explain:F2} | {explain * 1000 / (length / 1000.0):F1} | {heapMb:F1} |"));
            GC.KeepAlive(predictor);
            GC.KeepAlive(explainer);
        }
    }

    static double Median(Action action)
    {
        action();
        action();
        var ms = new double[5];
        for (int i = 0; i < ms.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(ms);
        return ms[2];
    }

    static ModelSpec Build(int length)
    {
        var random = new Random(11);
        float[] Weights(int n, int fanIn) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) / Math.Sqrt(fanIn))).ToArray();
        NodeSpec Conv(int input, int cin, int cout, int k) => new()
        {
            Kind = OpKind.Conv, Inputs = [input], Kernel = [k], Strides = [1], PadsBegin = [k / 2], PadsEnd = [k / 2], Dilations = [1],
            Weight = Weights(cout * cin * k, cin * k), WeightShape = [cout, cin, k], Bias = Weights(cout, 4),
        };
        var nodes = new List<NodeSpec>
        {
            new() { Kind = OpKind.Input },
            Conv(0, 4, 32, 11),
            new() { Kind = OpKind.Relu, Inputs = [1] },
            new() { Kind = OpKind.MaxPool, Inputs = [2], Kernel = [4], Strides = [4], PadsBegin = [0], PadsEnd = [0], Dilations = [1] },
            Conv(3, 32, 32, 5),
            new() { Kind = OpKind.Relu, Inputs = [4] },
            new() { Kind = OpKind.GlobalAvgPool, Inputs = [5] },
            new() { Kind = OpKind.Dense, Inputs = [6], Weight = Weights(64, 32), WeightShape = [2, 32], Bias = Weights(2, 4) },
        };
        return new ModelSpec { InputShape = [4, length], Nodes = nodes };
    }
}
