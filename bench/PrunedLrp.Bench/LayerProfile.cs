using System.Diagnostics;
using System.Globalization;

namespace PrunedLrp.Bench;

/// <summary>`layers MODEL [repeats]`: forward time per op kind (median of repeats), to see where a model's time goes.</summary>
internal static class LayerProfile
{
    static void PerNode(Model model, Workspace ws, int repeats, double[] inPass)
    {
        var rows = new List<(double Ms, double Forward, string Text)>();
        for (int id = 1; id < model.NodeCount; id++)
        {
            var layer = model.Layers[id]!;
            if (layer is not PrunedLrp.Layers.ConvLayer conv) continue;
            var ms = new double[repeats];
            for (int r = 0; r < repeats; r++)
            {
                long start = Stopwatch.GetTimestamp();
                layer.Forward(ws.Activations[layer.Inputs[0]], default, ws.Activations[id].AsSpan(0, layer.OutputSize), 1, ws.Scratch);
                ms[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            Array.Sort(ms);
            // The transposed product of the relevance pass, dx = W^T dy, on the same geometry.
            var back = new double[repeats];
            var dx = new float[layer.InputSize];
            for (int r = 0; r < repeats; r++)
            {
                long start = Stopwatch.GetTimestamp();
                conv.Operator.BackwardData(ws.Activations[id].AsSpan(0, layer.OutputSize), dx, 1, ws.Scratch);
                back[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            Array.Sort(back);
            var s = conv.Shape;
            double gflop = 2.0 * s.OutSize * (s.InChannels / s.Groups) * s.KernelHeight * s.KernelWidth / 1e9;
            double f = ms[repeats / 2], b = back[repeats / 2];
            rows.Add((f + b, f, string.Create(CultureInfo.InvariantCulture,
                $"node {id,3} {s.InChannels,4}->{s.OutChannels,4} k{s.KernelHeight}x{s.KernelWidth} s{s.StrideHeight} out {s.OutHeight}x{s.OutWidth}: in pass {inPass[id],6:F2} ms, forward {f,7:F2} ms {gflop / f * 1000,6:F1} GFLOP/s, transposed {b,7:F2} ms {gflop / b * 1000,6:F1} GFLOP/s")));
        }
        foreach (var row in rows.OrderByDescending(r => r.Ms).Take(Environment.GetEnvironmentVariable("PLRP_PROFILE_ALL") == "1" ? rows.Count : 15))
            Console.WriteLine(row.Text);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"conv total (forward + transposed) {rows.Sum(r => r.Ms):F1} ms, forward {rows.Sum(r => r.Forward):F1} ms"));
    }

    public static void Run(string path, int repeats)
    {
        var model = Model.Load(path);
        var ws = new Workspace(model);
        ws.Ensure(1);
        var random = new Random(1);
        var x = new float[model.InputSize];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)random.NextDouble();
        ws.Forward(x, 1);
        var times = new Dictionary<string, List<double>>();
        var perNode = new double[repeats, model.NodeCount];
        for (int r = 0; r < repeats; r++)
        {
            var perKind = new Dictionary<string, double>();
            for (int id = 1; id < model.NodeCount; id++)
            {
                var layer = model.Layers[id]!;
                var inputs = layer.Inputs;
                long start = Stopwatch.GetTimestamp();
                layer.Forward(ws.Activations[inputs[0]], inputs.Length > 1 ? ws.Activations[inputs[1]] : default,
                    ws.Activations[id].AsSpan(0, layer.OutputSize), 1, ws.Scratch);
                string kind = layer.Spec.Kind.ToString();
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                perNode[r, id] = ms;
                perKind[kind] = perKind.GetValueOrDefault(kind) + ms;
            }
            foreach (var (k, v) in perKind)
                (times.TryGetValue(k, out var list) ? list : times[k] = []).Add(v);
        }
        if (Environment.GetEnvironmentVariable("PLRP_PROFILE_NODES") == "1")
        {
            Console.WriteLine("in the forward pass (weights cold, as in use), slowest nodes:");
            var medians = Enumerable.Range(1, model.NodeCount - 1)
                .Select(id => (Id: id, Ms: Enumerable.Range(0, repeats).Select(r => perNode[r, id]).Order().ElementAt(repeats / 2))).ToList();
            var inPass = new double[model.NodeCount];
            foreach (var (id, ms) in medians)
                inPass[id] = ms;
            foreach (var (id, ms) in medians.OrderByDescending(m => m.Ms).Take(12))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"node {id,3} {model.Layers[id]!.Spec.Kind,-12} {ms,7:F2} ms"));
            Console.WriteLine("alone, repeated (weights warm), slowest convolutions:");
            PerNode(model, ws, repeats, inPass);
        }
        foreach (var (k, list) in times.OrderByDescending(t => t.Value.Sum()))
        {
            list.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{k,-14} {list[list.Count / 2],9:F2} ms"));
        }
    }
}
