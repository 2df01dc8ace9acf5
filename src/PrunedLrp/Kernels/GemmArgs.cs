namespace PrunedLrp.Kernels;

/// <summary>
/// One GEMM call as raw pointers, so it can sit on the caller's stack and be handed to <see cref="KernelWorker"/>
/// without allocating. A packed operand (non-null PackedA/PackedB) or a packer (PackAFrom/PackBFrom) replaces the raw one.
/// </summary>
internal unsafe struct GemmArgs
{
    public int M, N, K;
    public float* A;
    public int Lda;
    public bool TransA;
    public float* B;
    public int Ldb;
    public bool TransB;
    public float* C;
    public int Ldc;
    public bool Accumulate;

    /// <summary>When set (and <see cref="Accumulate"/> is not), C starts from row i's bias instead of zero:
    /// <c>C = A B + bias 1^T</c>. Each register tile takes its rows' bias just before its first depth block, while the tile
    /// is hot, instead of a pass over all of C before the product.</summary>
    public float* RowBias;

    /// <summary>C = max(C, 0) after the last depth block, tile by tile while each is hot (a ReLU fused into the product).</summary>
    public bool Rectify;
    public float* PackedA;
    public int PackedAWidth;
    public float* PackedB;
    public int PackedBWidth;

    /// <summary>When set, packs B blocks itself (implicit im2col): (context, pc, kc, jc, nc, dst) packs rows [pc, pc+kc)
    /// and columns [jc, jc+nc) of op(B) in <see cref="GemmPacking.PackB"/>'s layout.</summary>
    public delegate*<void*, int, int, int, int, float*, void> PackBFrom;
    public void* PackBContext;

    /// <summary>When set (and PackedA is null), packs A blocks itself (weights modified or reordered as they are packed):
    /// (context, pc, kc, ic, mc, dst) packs rows [ic, ic+mc) and depth [pc, pc+kc) of op(A) in <see cref="GemmPacking.PackA"/>'s layout.</summary>
    public delegate*<void*, int, int, int, int, float*, void> PackAFrom;
    public void* PackAContext;
    public delegate*<int, float*, float*, float*, int, int, int, bool, void> Kernel;
    public bool UseFmaEdgeKernels;

    /// <summary>Run full tiles of two row panels in the AVX-512 12 x 16 tile (<see cref="GemmMicroKernel512"/>).</summary>
    public bool UseWideKernel;
    public bool SplitN;
    public int Chunks;
}
