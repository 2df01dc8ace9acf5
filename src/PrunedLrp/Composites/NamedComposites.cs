using PrunedLrp.Rules;

namespace PrunedLrp.Composites;

/// <summary>The named composites, as in Zennit (see each name's description).</summary>
public static class NamedComposites
{
    /// <summary>Names and one-line descriptions of the composites, in the order the CLI lists them.</summary>
    public static IReadOnlyList<(string Name, string Description)> All { get; } =
    [
        ("epsilon", "Epsilon on every dense and conv layer (--epsilon 0 gives LRP-0)"),
        ("epsilon-plus", "ZPlus on conv, Epsilon on dense"),
        ("epsilon-plus-flat", "as epsilon-plus, with Flat on the first dense/conv layer"),
        ("epsilon-alpha2-beta1", "AlphaBeta(2,1) on conv, Epsilon on dense"),
        ("epsilon-alpha2-beta1-flat", "as epsilon-alpha2-beta1, with Flat on the first dense/conv layer"),
        ("epsilon-gamma-box", "ZBox(low, high) on the first conv, Gamma on the other convs, Epsilon on dense"),
    ];

    /// <summary>The composite called <paramref name="name"/> with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static Composite Get(string name, CompositeOptions? options = null)
    {
        var o = options ?? new CompositeOptions();
        var epsilon = new Epsilon(o.Epsilon);
        return name switch
        {
            "epsilon" => new Composite { Dense = epsilon, Conv = epsilon },
            "epsilon-plus" => new Composite { Dense = epsilon, Conv = new ZPlus(o.Stabilizer) },
            "epsilon-plus-flat" => new Composite { Dense = epsilon, Conv = new ZPlus(o.Stabilizer), FirstLinear = new Flat(o.Stabilizer) },
            "epsilon-alpha2-beta1" => new Composite { Dense = epsilon, Conv = new AlphaBeta(2f, 1f, o.Stabilizer) },
            "epsilon-alpha2-beta1-flat" => new Composite
            {
                Dense = epsilon, Conv = new AlphaBeta(2f, 1f, o.Stabilizer), FirstLinear = new Flat(o.Stabilizer),
            },
            "epsilon-gamma-box" => new Composite
            {
                Dense = epsilon, Conv = new Gamma(o.Gamma, o.Stabilizer), FirstConv = new ZBox(o.Low, o.High, o.Stabilizer),
            },
            _ => throw new ArgumentException(
                $"unknown composite '{name}'; known: {string.Join(", ", All.Select(c => c.Name))}"),
        };
    }
}
