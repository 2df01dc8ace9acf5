using System.Text.Json;

namespace PrunedLrp.Tests.Support;

/// <summary>
/// Reads a fixture set (a folder with cases.json and one folder per model: model.onnx, input.npy, logits.npy and the
/// reference relevance files), in the schema of the shared Zennit fixtures, and lists the explain runs to check.
/// </summary>
internal static class FixtureCases
{
    public static readonly string[] Sets = ["zennit", "models"];

    public static string Root(string set) => Path.Combine(AppContext.BaseDirectory, "Fixtures", set);

    public static IEnumerable<JsonElement> Models(string set)
    {
        string path = Path.Combine(Root(set), "cases.json");
        if (!File.Exists(path))
            yield break;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var c in doc.RootElement.EnumerateArray())
            yield return c.Clone();
    }

    /// <summary>(set, model, reference file stem, CLI arguments) for every LRP and PLRP reference.</summary>
    public static IEnumerable<(string Set, string Model, string Name, string[] Args, double Tolerance)> Runs()
    {
        foreach (string set in Sets)
        {
            foreach (var c in Models(set))
            {
                string model = c.GetProperty("name").GetString()!;
                var tol = c.GetProperty("tolerance");
                foreach (var comp in c.GetProperty("composites").EnumerateArray().Select(e => e.GetString()!).Append("epsilon-plus-flat-target1"))
                {
                    if (!File.Exists(Path.Combine(Root(set), model, comp + ".npy")))
                        continue;
                    string[] args = comp switch
                    {
                        "lrp0" => ["--composite", "epsilon", "--epsilon", "0"],
                        "epsilon-0.25" => ["--composite", "epsilon", "--epsilon", "0.25"],
                        "epsilon-plus-flat-target1" => ["--composite", "epsilon-plus-flat", "--target", "1"],
                        "epsilon-gamma-box" => ["--composite", comp, "--low", Number(c, "low"), "--high", Number(c, "high")],
                        _ => ["--composite", comp],
                    };
                    yield return (set, model, comp, args, tol.GetProperty(comp).GetDouble());
                }
                if (!c.TryGetProperty("plrp", out var plrp))
                    continue;
                foreach (var e in plrp.EnumerateArray())
                {
                    string file = e.GetProperty("file").GetString()!;
                    string name = file[..^4];
                    var args = new List<string>
                    {
                        "--composite", e.GetProperty("composite").GetString()!, "--prune", e.GetProperty("prune").GetString()!,
                        "--sparsity", e.GetProperty("sparsity").GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    };
                    if (e.TryGetProperty("low", out _))
                        args.AddRange(["--low", Number(e, "low"), "--high", Number(e, "high")]);
                    yield return (set, model, name, args.ToArray(), tol.TryGetProperty(name, out var t) ? t.GetDouble() : 1e-3);
                }
            }
        }
    }

    static string Number(JsonElement e, string name) => e.GetProperty(name).GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
