namespace PrunedLrp.Layers;

/// <summary>The backward step of one node under its rule: input relevance from output relevance.</summary>
internal interface IRelevanceStep
{
    /// <summary>Scratch floats needed for <paramref name="batch"/> samples.</summary>
    int ScratchLength(int batch);

    /// <summary>Whether <see cref="Backward"/> reads the cached inputs (<see cref="RelevanceArgs.X"/>, <see cref="RelevanceArgs.X2"/>);
    /// the explainer keeps a node's forward output only while some step reads it.</summary>
    bool ReadsInputs => true;

    /// <summary>Whether <see cref="Backward"/> reads this node's cached output (<see cref="RelevanceArgs.Z"/>).</summary>
    bool ReadsOutput => true;

    /// <summary>Whether the rule is Pass (<c>R_in = R_out</c>, <see cref="PassRelevance"/>): then the input's relevance may
    /// share this node's buffer, and the step, finding both the same, has nothing to copy.</summary>
    bool PassesRelevance => false;

    /// <summary>Writes <see cref="RelevanceArgs.RIn"/> (and <see cref="RelevanceArgs.RIn2"/>) from <see cref="RelevanceArgs.ROut"/>.</summary>
    void Backward(ref RelevanceArgs args);
}
