using Xunit;

namespace PrunedLrp.Tests.Kernels;

/// <summary>Runs <see cref="KernelAllocationTests"/> alone, so no other test occupies the kernel worker thread.</summary>
[CollectionDefinition(nameof(KernelAllocationTests), DisableParallelization = true)]
public sealed class KernelAllocationTestsDefinition;
