namespace PrunedLrp.Cli;

/// <summary>How evaluate views the input: features (grouping of channels), baseline, steps.</summary>
/// <param name="ChannelsPerFeature">C when the mask has no channel axis (a feature = one position, relevance summed
/// over channels), 1 when the mask has the input's shape.</param>
/// <param name="Positions">Features per sample.</param>
/// <param name="Baseline">Value perturbed elements take.</param>
/// <param name="Steps">Perturbation steps K.</param>
/// <param name="FeaturesPerStep">Features replaced per step.</param>
internal sealed record EvaluationSettings(int ChannelsPerFeature, int Positions, float Baseline, int Steps, int FeaturesPerStep);
