namespace PrunedLrp;

/// <summary>How a <see cref="Model"/> runs, fixed when it is loaded.</summary>
public sealed record ModelOptions
{
    /// <summary>The defaults: <see cref="MemoryMode.Fast"/>.</summary>
    public static ModelOptions Default { get; } = new();

    /// <summary>Speed or memory (<see cref="MemoryMode"/>); <see cref="MemoryMode.Fast"/> unless set.</summary>
    public MemoryMode Memory { get; init; } = MemoryMode.Fast;
}
