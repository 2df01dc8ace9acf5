using System.CommandLine;
using PrunedLrp.Composites;
using PrunedLrp.Pruning;

namespace PrunedLrp.Cli;

/// <summary>The rule and pruning options of explain, evaluate and bench, and how they become a composite and pruning.</summary>
internal sealed class LrpOptions
{
    public Option<string> Composite { get; } = new("--composite", "-c")
    {
        Description = "Rule composite: " + string.Join("; ", NamedComposites.All.Select(c => $"{c.Name} = {c.Description}")),
        DefaultValueFactory = _ => "epsilon-plus-flat",
    };

    public Option<float> Epsilon { get; } = new("--epsilon")
    {
        Description = "Epsilon of the Epsilon rule (0 = LRP-0)", DefaultValueFactory = _ => 1e-6f,
    };

    public Option<float> Stabilizer { get; } = new("--stabilizer")
    {
        Description = "Stabilizer of the other rules (added to denominators with their sign)", DefaultValueFactory = _ => 1e-6f,
    };

    public Option<float> Gamma { get; } = new("--gamma") { Description = "Gamma of the Gamma rule", DefaultValueFactory = _ => 0.25f };

    public Option<string> Low { get; } = new("--low")
    {
        Description = "ZBox lower input bound: one value, or one per input channel (comma-separated)", DefaultValueFactory = _ => "-3",
    };

    public Option<string> High { get; } = new("--high")
    {
        Description = "ZBox upper input bound: one value, or one per input channel (comma-separated)", DefaultValueFactory = _ => "3",
    };

    public Option<string[]> Rules { get; } = new("--rule") { Description = RuleParser.Help, AllowMultipleArgumentsPerToken = false };

    public Option<string> Prune { get; } = new("--prune")
    {
        Description = "Pruned LRP: none (plain LRP), lambda (PLRP-λ: rescale the kept relevance) or m (PLRP-M: re-run the rules on the kept neurons only)",
        DefaultValueFactory = _ => "none",
    };

    public Option<string> Sparsity { get; } = new("--sparsity", "-p")
    {
        Description = "Pruning level p in [0,1]: one for all pruning points, or one per point, output to input (see plrp inspect)",
        DefaultValueFactory = _ => "0.5",
    };

    public Option<double?> SparsityNegative { get; } = new("--sparsity-neg")
    {
        Description = "Pruning level for negative relevance (default: the same as --sparsity)",
    };

    public Option<string> Select { get; } = new("--select")
    {
        Description = "What is kept: mass (prune the smallest entries of each sign up to p of its mass; the paper's) or topk (keep --topk entries of largest |r|)",
        DefaultValueFactory = _ => "mass",
    };

    public Option<double> TopK { get; } = new("--topk")
    {
        Description = "With --select topk: entries kept per pruning point, a count (>= 1) or a fraction (< 1)", DefaultValueFactory = _ => 0.1,
    };

    public Option<bool> PruneInput { get; } = new("--prune-input") { Description = "Also prune the relevance of the network input" };

    public void AddTo(Command command, bool withPruning = true)
    {
        foreach (var option in new Option[] { Composite, Epsilon, Stabilizer, Gamma, Low, High, Rules })
            command.Options.Add(option);
        if (!withPruning)
            return;
        foreach (var option in new Option[] { Prune, Sparsity, SparsityNegative, Select, TopK, PruneInput })
            command.Options.Add(option);
    }

    public Composite BuildComposite(ParseResult parse, Model model)
    {
        var options = new CompositeOptions
        {
            Epsilon = parse.GetValue(Epsilon),
            Stabilizer = parse.GetValue(Stabilizer),
            Gamma = parse.GetValue(Gamma),
            Low = Numbers.ParseFloats(parse.GetValue(Low)!, "--low"),
            High = Numbers.ParseFloats(parse.GetValue(High)!, "--high"),
        };
        var composite = NamedComposites.Get(parse.GetValue(Composite)!, options);
        return RuleParser.Apply(composite, parse.GetValue(Rules) ?? [], model.Spec, options.Stabilizer);
    }

    public PruningOptions? BuildPruning(ParseResult parse, string? modeOverride = null, double[]? sparsityOverride = null)
    {
        string mode = (modeOverride ?? parse.GetValue(Prune) ?? "none").ToLowerInvariant();
        var pruneMode = mode switch
        {
            "none" => PruneMode.None,
            "lambda" or "λ" => PruneMode.Lambda,
            "m" => PruneMode.M,
            _ => throw new CliException($"--prune '{mode}': expected none, lambda or m"),
        };
        if (pruneMode == PruneMode.None)
            return null;
        var select = (parse.GetValue(Select) ?? "mass").ToLowerInvariant() switch
        {
            "mass" => SelectMode.Mass,
            "topk" => SelectMode.TopK,
            var s => throw new CliException($"--select '{s}': expected mass or topk"),
        };
        return new PruningOptions
        {
            Mode = pruneMode,
            Sparsity = sparsityOverride ?? Numbers.ParseDoubles(parse.GetValue(Sparsity)!, "--sparsity"),
            SparsityNegative = parse.GetValue(SparsityNegative),
            Select = select,
            TopK = parse.GetValue(TopK),
            PruneInput = parse.GetValue(PruneInput),
        };
    }
}
