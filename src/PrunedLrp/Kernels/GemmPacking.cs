using System.Runtime.Intrinsics;
using static PrunedLrp.Kernels.GemmBlocking;

namespace PrunedLrp.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the panel layout the micro-kernel streams: A as MR-row panels
/// (<c>dst[panel][p][0..MR]</c>), B as NR-column panels (<c>dst[panel][p][0..NR]</c>), each zero-padded to a full
/// panel so the kernel never branches on edges. Panel <c>t</c> of a block of depth kc starts at <c>t * MR * kc</c>
/// (resp. <c>t * NR * kc</c>).
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>Packs rows x kc of op(A); <paramref name="a"/> points at op(A)[0, 0] of the block.</summary>
    public static void PackA(float* a, int lda, bool trans, int rows, int kc, float* dst)
    {
        for (int ir = 0; ir < rows; ir += MR)
        {
            int r = Math.Min(MR, rows - ir);
            if (trans)
            {
                // op(A)[i, p] = A[p, i]: each p is MR contiguous floats.
                for (int p = 0; p < kc; p++, dst += MR)
                {
                    float* s = a + (long)p * lda + ir;
                    int i = 0;
                    for (; i < r; i++) dst[i] = s[i];
                    for (; i < MR; i++) dst[i] = 0f;
                }
            }
            else if (r == MR)
            {
                float* s0 = a + (long)ir * lda, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, s4 = s3 + lda, s5 = s4 + lda;
                for (int p = 0; p < kc; p++, dst += MR)
                {
                    dst[0] = s0[p]; dst[1] = s1[p]; dst[2] = s2[p]; dst[3] = s3[p]; dst[4] = s4[p]; dst[5] = s5[p];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++, dst += MR)
                {
                    int i = 0;
                    for (; i < r; i++) dst[i] = a[(long)(ir + i) * lda + p];
                    for (; i < MR; i++) dst[i] = 0f;
                }
            }
        }
    }

    /// <summary>Packs kc x cols of op(B); <paramref name="b"/> points at op(B)[0, 0] of the block.</summary>
    public static void PackB(float* b, int ldb, bool trans, int kc, int cols, float* dst)
    {
        for (int jr = 0; jr < cols; jr += NR)
        {
            int c = Math.Min(NR, cols - jr);
            if (!trans && c == NR)
            {
                float* s = b + jr;
                for (int p = 0; p < kc; p++, s += ldb, dst += NR)
                {
                    Vector256.Store(Vector256.Load(s), dst);
                    Vector256.Store(Vector256.Load(s + 8), dst + 8);
                }
            }
            else if (!trans)
            {
                float* s = b + jr;
                for (int p = 0; p < kc; p++, s += ldb, dst += NR)
                {
                    int j = 0;
                    for (; j < c; j++) dst[j] = s[j];
                    for (; j < NR; j++) dst[j] = 0f;
                }
            }
            else
            {
                // op(B)[p, j] = B[j, p]: read each source row contiguously, write with stride NR.
                for (int j = 0; j < NR; j++)
                {
                    float* d = dst + j;
                    if (j < c)
                    {
                        float* s = b + (long)(jr + j) * ldb;
                        for (int p = 0; p < kc; p++) d[p * NR] = s[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) d[p * NR] = 0f;
                    }
                }
                dst += kc * NR;
            }
        }
    }
}
