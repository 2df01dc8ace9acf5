using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>Runs <see cref="KernelAllocationTests"/> alone: other tests' kernels would run on the shared worker thread
/// whose allocation counter those tests read.</summary>
[CollectionDefinition(nameof(KernelAllocationTests), DisableParallelization = true)]
public class KernelAllocationGroup
{
}
