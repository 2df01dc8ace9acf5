using PrunedLrp.Graph;

namespace PrunedLrp.Tests.IO;

/// <summary>Seeded random valid <see cref="ModelSpec"/>s covering every op kind, 1-D and 2-D windows, with and
/// without bias, residual Adds, and labels (non-ASCII included).</summary>
internal static class ModelFileRandomSpecs
{
    public static ModelSpec Create(int seed)
    {
        var rng = new Random(seed);
        int spatial = rng.Next(3); // 0: flat input, 1: [C, L], 2: [C, H, W]
        int channels = rng.Next(1, 5);
        int[] inputShape = spatial switch
        {
            0 => [rng.Next(1, 40)],
            1 => [channels, rng.Next(12, 40)],
            _ => [channels, rng.Next(10, 20), rng.Next(10, 20)],
        };
        var nodes = new List<NodeSpec> { new() { Kind = OpKind.Input, Name = Name(rng, "input") } };
        var shapes = new List<int[]> { inputShape };
        void Add(NodeSpec node)
        {
            nodes.Add(node);
            shapes.Add(ShapeInference.Infer(new ModelSpec { InputShape = inputShape, Nodes = nodes })[^1]);
        }
        int Last() => nodes.Count - 1;

        if (spatial > 0)
        {
            int outC = rng.Next(1, 4) * (channels % 2 == 0 ? 2 : 1);
            int groups = channels % 2 == 0 && outC % 2 == 0 && rng.Next(2) == 0 ? 2 : 1;
            int[] k = Fill(rng, spatial, 1, 4);
            Add(new NodeSpec
            {
                Kind = OpKind.Conv, Name = Name(rng, "conv"), Inputs = [Last()], Kernel = k,
                Strides = Fill(rng, spatial, 1, 3), PadsBegin = Fill(rng, spatial, 0, 3), PadsEnd = Fill(rng, spatial, 0, 3),
                Dilations = Fill(rng, spatial, 1, 3), Groups = groups,
                WeightShape = [outC, channels / groups, .. k], Weight = Floats(rng, outC * channels / groups * k.Aggregate(1, (a, b) => a * b)),
                Bias = rng.Next(2) == 0 ? Floats(rng, outC) : ReadOnlyMemory<float>.Empty,
            });
            Add(new NodeSpec { Kind = OpKind.Affine, Inputs = [Last()], WeightShape = [outC], Weight = Floats(rng, outC), Bias = Floats(rng, outC) });
            Add(new NodeSpec { Kind = OpKind.Relu, Name = Name(rng, "relu"), Inputs = [Last()] });
            int skip = Last();
            Add(new NodeSpec { Kind = OpKind.Relu, Inputs = [skip] });
            Add(new NodeSpec { Kind = OpKind.Add, Name = Name(rng, "add"), Inputs = [skip, Last()] });
            Add(new NodeSpec
            {
                Kind = OpKind.MaxPool, Inputs = [Last()], Kernel = Fill(rng, spatial, 2, 3), Strides = Fill(rng, spatial, 1, 3),
                PadsBegin = Fill(rng, spatial, 0, 2), PadsEnd = Fill(rng, spatial, 0, 2), Dilations = Fill(rng, spatial, 1, 2),
                CeilMode = rng.Next(2) == 0,
            });
            Add(new NodeSpec
            {
                Kind = OpKind.AvgPool, Inputs = [Last()], Kernel = Fill(rng, spatial, 1, 3), Strides = Fill(rng, spatial, 1, 3),
                PadsBegin = Fill(rng, spatial, 0, 2), PadsEnd = Fill(rng, spatial, 0, 2), Dilations = Fill(rng, spatial, 1, 2),
                CountIncludePad = rng.Next(2) == 0, CeilMode = rng.Next(2) == 0,
            });
            Add(new NodeSpec { Kind = rng.Next(2) == 0 ? OpKind.GlobalAvgPool : OpKind.Flatten, Inputs = [Last()] });
        }
        int features = shapes[^1][0];
        int hidden = rng.Next(1, 20), classes = rng.Next(1, 10);
        Add(new NodeSpec { Kind = OpKind.Dense, Name = Name(rng, "fc1"), Inputs = [Last()], WeightShape = [hidden, features], Weight = Floats(rng, hidden * features), Bias = rng.Next(2) == 0 ? Floats(rng, hidden) : ReadOnlyMemory<float>.Empty });
        Add(new NodeSpec { Kind = OpKind.Affine, Inputs = [Last()], WeightShape = [hidden], Weight = Floats(rng, hidden), Bias = Floats(rng, hidden) });
        Add(new NodeSpec { Kind = OpKind.Relu, Inputs = [Last()] });
        Add(new NodeSpec { Kind = OpKind.Dense, Name = Name(rng, "logits"), Inputs = [Last()], WeightShape = [classes, hidden], Weight = Floats(rng, classes * hidden), Bias = rng.Next(2) == 0 ? Floats(rng, classes) : ReadOnlyMemory<float>.Empty });
        string[] labels = rng.Next(2) == 0 ? [] : Enumerable.Range(0, classes).Select(i => i % 3 == 0 ? $"klasse-{i}-ü€😀" : i % 3 == 1 ? "" : $"label {i}").ToArray();
        return new ModelSpec { InputShape = inputShape, Labels = labels, Nodes = nodes };
    }

    static string Name(Random rng, string stem) => rng.Next(4) switch
    {
        0 => "",
        1 => $"/{stem}/Op_{rng.Next(100)}",
        2 => $"{stem}.ñ.名前",
        _ => stem,
    };

    static int[] Fill(Random rng, int count, int min, int max) => Enumerable.Range(0, count).Select(_ => rng.Next(min, max)).ToArray();

    static float[] Floats(Random rng, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            // Mostly ordinary values, plus the bit patterns a lossy writer would break (NaN and infinities are not
            // valid parameters: the reader rejects them, see ModelFileRejectionTests).
            values[i] = rng.Next(50) switch
            {
                0 => float.MaxValue,
                1 => -0f,
                2 => -float.Epsilon,
                3 => float.Epsilon,
                _ => (float)(rng.NextDouble() * 4 - 2),
            };
        }
        return values;
    }
}
