using System.Globalization;
using PrunedLrp.Composites;
using PrunedLrp.Graph;
using PrunedLrp.Rules;

namespace PrunedLrp.Cli;

/// <summary>
/// Parses user rule maps: <c>KEY=RULE</c> with KEY a node id, <c>dense</c>, <c>conv</c>, <c>first</c> (first dense/conv
/// layer) or <c>first-conv</c>, and RULE one of <c>epsilon[:E]</c>, <c>zplus</c>, <c>alphabeta:A,B</c>, <c>gamma[:G]</c>,
/// <c>zbox:LOW,HIGH</c>, <c>flat</c>, <c>wsquare</c>.
/// </summary>
internal static class RuleParser
{
    public const string Help = "Override rules: KEY=RULE, repeatable. KEY: a node id (see plrp inspect), dense, conv, first "
        + "(first dense/conv layer) or first-conv. RULE: epsilon[:E], zplus, alphabeta:A,B, gamma[:G], zbox:LOW,HIGH, flat, wsquare";

    public static Composite Apply(Composite composite, IEnumerable<string> specs, ModelSpec model, float stabilizer)
    {
        var nodeRules = new Dictionary<int, Rule>(composite.NodeRules);
        foreach (string spec in specs)
        {
            int eq = spec.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw new CliException($"--rule '{spec}': expected KEY=RULE");
            string key = spec[..eq].Trim().ToLowerInvariant();
            var rule = ParseRule(spec[(eq + 1)..].Trim(), stabilizer, spec);
            switch (key)
            {
                case "dense": composite = composite with { Dense = rule }; break;
                case "conv": composite = composite with { Conv = rule }; break;
                case "first": composite = composite with { FirstLinear = rule }; break;
                case "first-conv": composite = composite with { FirstConv = rule }; break;
                default:
                    if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out int id) || id <= 0 || id >= model.Nodes.Count
                        || model.Nodes[id].Kind is not (OpKind.Dense or OpKind.Conv))
                        throw new CliException($"--rule '{spec}': '{key}' is not dense, conv, first, first-conv or the id of a dense/conv node");
                    nodeRules[id] = rule;
                    break;
            }
        }
        return composite with { NodeRules = nodeRules };
    }

    static Rule ParseRule(string text, float stabilizer, string spec)
    {
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string name = (colon < 0 ? text : text[..colon]).ToLowerInvariant();
        float[] args = colon < 0 ? [] : Numbers.ParseFloats(text[(colon + 1)..], $"--rule '{spec}'");
        Rule rule = (name, args.Length) switch
        {
            ("epsilon", 0) => new Epsilon(),
            ("epsilon", 1) => new Epsilon(args[0]),
            ("zplus", 0) => new ZPlus(stabilizer),
            ("alphabeta", 2) => new AlphaBeta(args[0], args[1], stabilizer),
            ("gamma", 0) => new Gamma(0.25f, stabilizer),
            ("gamma", 1) => new Gamma(args[0], stabilizer),
            ("zbox", 2) => new ZBox([args[0]], [args[1]], stabilizer),
            ("flat", 0) => new Flat(stabilizer),
            ("wsquare", 0) => new WSquare(stabilizer),
            _ => throw new CliException($"--rule '{spec}': unknown rule or wrong number of parameters ({RuleNames})"),
        };
        return rule;
    }

    const string RuleNames = "epsilon[:E], zplus, alphabeta:A,B, gamma[:G], zbox:LOW,HIGH, flat, wsquare";
}
