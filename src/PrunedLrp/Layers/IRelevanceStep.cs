namespace PrunedLrp.Layers;

/// <summary>The backward step of one node under its rule: input relevance from output relevance.</summary>
internal interface IRelevanceStep
{
    /// <summary>Scratch floats needed for <paramref name="batch"/> samples.</summary>
    int ScratchLength(int batch);

    /// <summary>Writes <see cref="RelevanceArgs.RIn"/> (and <see cref="RelevanceArgs.RIn2"/>) from <see cref="RelevanceArgs.ROut"/>.</summary>
    void Backward(ref RelevanceArgs args);
}
