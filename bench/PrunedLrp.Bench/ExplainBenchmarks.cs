using BenchmarkDotNet.Attributes;
using PrunedLrp.Composites;
using PrunedLrp.Pruning;

namespace PrunedLrp.Bench;

/// <summary>
/// Steady-state explain of the demo's Fashion-MNIST model (batch 1): LRP, PLRP-λ and PLRP-M, with the memory
/// diagnoser showing the allocations per call (the target is 0 B) and forward as the in-process baseline; in both
/// memory modes (<see cref="MemoryMode"/>: lean packs the weights at every product).
/// </summary>
[MemoryDiagnoser]
public class ExplainBenchmarks
{
    Model _model = null!;
    Predictor _predictor = null!;
    Explainer _lrp = null!, _lambda = null!, _m = null!;
    float[] _input = [], _relevance = [], _logits = [];

    [Params(MemoryMode.Fast, MemoryMode.Lean)]
    public MemoryMode Memory { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string path = Path.Combine(RepoRoot(), "data", "models", "fashion", "model.plrp");
        _model = Model.Load(path, new ModelOptions { Memory = Memory });
        _predictor = new Predictor(_model);
        var composite = NamedComposites.Get("epsilon-plus-flat");
        _lrp = new Explainer(_model, composite);
        _lambda = new Explainer(_model, composite, new PruningOptions { Mode = PruneMode.Lambda, Sparsity = [0.9] });
        _m = new Explainer(_model, composite, new PruningOptions { Mode = PruneMode.M, Sparsity = [0.9] });
        var random = new Random(3);
        _input = Enumerable.Range(0, _model.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
        _relevance = new float[_model.InputSize];
        _logits = new float[_model.OutputSize];
    }

    [Benchmark(Baseline = true)]
    public void Forward() => _predictor.Predict(_input, _logits);

    [Benchmark]
    public void ExplainLrp() => _lrp.Explain(_input, [], _relevance);

    [Benchmark]
    public void ExplainPlrpLambda() => _lambda.Explain(_input, [], _relevance);

    [Benchmark]
    public void ExplainPlrpM() => _m.Explain(_input, [], _relevance);

    static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PrunedLrp.Managed.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("run the benchmarks from inside the repository");
    }
}
