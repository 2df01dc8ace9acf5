using PrunedLrp.Composites;

namespace PrunedLrp.Bench;

/// <summary>The relevance a model's pruning points receive in one epsilon-plus-flat explain of a seeded random input:
/// real data for timing the pruning passes.</summary>
internal static class PointRelevance
{
    /// <summary>Each pruning point's relevance (flattened, batch 1), in <see cref="Model.PruningPoints"/> order.</summary>
    public static float[][] Of(string modelPath)
    {
        var model = Model.Load(modelPath);
        var random = new Random(1);
        var x = new float[model.InputSize];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)random.NextDouble();
        var explainer = new Explainer(model, NamedComposites.Get("epsilon-plus-flat"));
        explainer.Explain(x, [], new float[x.Length]);
        return model.PruningPoints().Select(id => explainer.NodeRelevance(id).ToArray()).ToArray();
    }
}
