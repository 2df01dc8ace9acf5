namespace PrunedLrp.Rules;

/// <summary>Parameter validation shared by the rules.</summary>
internal static class RuleChecks
{
    public static void NonNegative(float value, string name)
    {
        if (!float.IsFinite(value) || value < 0f)
            throw new ArgumentException($"{name} must be a finite number >= 0 (got {value})");
    }
}
