using PrunedLrp.Composites;
using PrunedLrp.Pruning;
using Xunit;

namespace PrunedLrp.Tests.Explain;

/// <summary>One shared model, several explainers on parallel threads: results are bit-identical to a sequential run.</summary>
public class ConcurrencyTests
{
    [Theory]
    [InlineData(PruneMode.None, MemoryMode.Fast)]
    [InlineData(PruneMode.Lambda, MemoryMode.Fast)]
    [InlineData(PruneMode.M, MemoryMode.Fast)]
    [InlineData(PruneMode.None, MemoryMode.Lean)]
    [InlineData(PruneMode.M, MemoryMode.Lean)]
    public void ParallelExplainers_OnSharedModel_MatchSequentialBitForBit(PruneMode mode, MemoryMode memory)
    {
        // Fresh model: the weight variants are prepared lazily, so the threads also race to create them (lean: the
        // operators are shared and keep nothing, each call packing into its own thread's buffers).
        var model = Model.FromSpec(TestModels.Residual(seed: 71, channels: 8, size: 16), new ModelOptions { Memory = memory });
        var composite = NamedComposites.Get("epsilon-gamma-box");
        var pruning = new PruningOptions { Mode = mode, Sparsity = [0.6] };
        const int threads = 4, rounds = 6;
        var inputs = Enumerable.Range(0, threads * rounds).Select(i => TestModels.Input(model, 1 + i % 3, seed: 100 + i)).ToArray();

        var parallel = new float[inputs.Length][];
        using (var start = new Barrier(threads))
        {
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                var explainer = new Explainer(model, composite, pruning);
                start.SignalAndWait();
                for (int k = 0; k < rounds; k++)
                {
                    int i = k * threads + t;
                    parallel[i] = new float[inputs[i].Length];
                    explainer.Explain(inputs[i], [], parallel[i]);
                }
            })).ToArray();
            foreach (var w in workers) w.Start();
            foreach (var w in workers) w.Join();
        }

        var sequential = new Explainer(model, composite, pruning);
        for (int i = 0; i < inputs.Length; i++)
        {
            var expected = new float[inputs[i].Length];
            sequential.Explain(inputs[i], [], expected);
            Assert.True(expected.AsSpan().SequenceEqual(parallel[i]), $"input {i}: parallel result differs");
            Assert.Contains(expected, v => v != 0);
        }
    }
}
