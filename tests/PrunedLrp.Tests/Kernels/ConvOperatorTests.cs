using PrunedLrp.Kernels;
using PrunedLrp.Layers;
using Xunit;

namespace PrunedLrp.Tests.Kernels;

public class ConvOperatorTests
{
    /// <summary>A shape with output size derived from possibly asymmetric pads (bottom/right pads only shorten or extend the output).</summary>
    internal static ConvShape Shape(int cin, int cout, int groups, int h, int w, int kh, int kw, int sh, int sw,
        int pt, int pb, int pl, int pr, int dh, int dw)
    {
        int oh = (h + pt + pb - dh * (kh - 1) - 1) / sh + 1, ow = (w + pl + pr - dw * (kw - 1) - 1) / sw + 1;
        return new ConvShape(cin, cout, groups, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow);
    }

    // Random 1-D (H = 1) or 2-D geometries: strides 1..3, dilations 1..3, pads 0..2 per side, groups 1 / 2 / depthwise.
    internal static ConvShape RandomShape(Random rng, bool twoD)
    {
        while (true)
        {
            int kind = rng.Next(3); // 0: dense, 1: two groups, 2: depthwise
            int cinG = kind == 2 ? 1 : 1 + rng.Next(5), groups = kind switch { 0 => 1, 1 => 2, _ => 1 + rng.Next(6) };
            int coutG = 1 + rng.Next(kind == 2 ? 2 : 7);
            int kh = twoD ? 1 + rng.Next(4) : 1, kw = 1 + rng.Next(5);
            int sh = twoD ? 1 + rng.Next(3) : 1, sw = 1 + rng.Next(3);
            int dh = twoD ? 1 + rng.Next(3) : 1, dw = 1 + rng.Next(3);
            int pt = twoD ? rng.Next(3) : 0, pb = twoD ? rng.Next(3) : 0, pl = rng.Next(3), pr = rng.Next(3);
            int h = twoD ? 1 + rng.Next(12) : 1, w = 1 + rng.Next(twoD ? 12 : 40);
            var s = Shape(cinG * groups, coutG * groups, groups, h, w, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw);
            if (s.OutHeight >= 1 && s.OutWidth >= 1) return s;
        }
    }

    public static TheoryData<int, bool> RandomCases()
    {
        var data = new TheoryData<int, bool>();
        for (int seed = 0; seed < 12; seed++) { data.Add(seed, false); data.Add(seed, true); }
        return data;
    }

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void ForwardAndBackward_RandomShapes_MatchReference(int seed, bool twoD)
    {
        var rng = new Random(seed * 2 + (twoD ? 1 : 0));
        for (int trial = 0; trial < 8; trial++)
            CheckAgainstReference(rng, RandomShape(rng, twoD), 1 + rng.Next(3));
    }

    public static TheoryData<ConvShape, int> FixedCases() => new()
    {
        { Shape(8, 16, 1, 9, 7, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1), 2 },      // pointwise: no column matrix
        { Shape(8, 6, 2, 9, 7, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1), 3 },       // grouped pointwise
        { Shape(5, 7, 1, 9, 8, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1), 1 },       // 1x1 with stride: needs the column matrix
        { Shape(3, 4, 1, 6, 6, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1), 1 },       // kernel as wide as most of the input
        { Shape(2, 3, 1, 4, 4, 3, 3, 1, 1, 3, 3, 3, 3, 1, 1), 2 },       // pads larger than the kernel reach
        { Shape(3, 5, 1, 8, 9, 3, 3, 2, 2, 1, 0, 0, 1, 1, 1), 2 },       // asymmetric pads (PyTorch 'same' style)
        { Shape(16, 32, 1, 24, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 2 },   // big enough for two threads
        { Shape(16, 24, 1, 10, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 2 },   // Winograd F(2x2, 3x3) (output under 16x16), odd width
        { Shape(32, 32, 32, 20, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1 },  // depthwise
        { Shape(4, 8, 1, 1, 500, 1, 7, 1, 1, 0, 0, 3, 3, 1, 1), 3 },     // 1-D, long sequence
        { Shape(6, 4, 2, 1, 300, 1, 5, 1, 3, 0, 0, 2, 1, 1, 2), 2 },     // 1-D, grouped, strided, dilated
        { Shape(300, 7, 1, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1), 1 },     // K > KC (two depth blocks)
        { Shape(40, 12, 1, 13, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1 },   // K = 360: a depth block starts mid-channel; panels straddle rows
        { Shape(9, 8, 1, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1 },     // VGG-like width 56: 16-column panels cross output rows
        { Shape(6, 7, 1, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1 },     // width 32: full 16-column panels with edge pads
        { Shape(3, 6, 1, 1, 4500, 1, 9, 1, 1, 0, 0, 4, 4, 1, 1), 1 },    // N > NC (two column blocks), 1-D
        { Shape(4, 5, 1, 9, 9, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1), 2 },       // no pads: transposed pads 2
        { Shape(4, 5, 1, 9, 9, 2, 2, 1, 1, 2, 2, 2, 2, 1, 1), 1 },       // pads beyond the kernel reach: negative transposed pads
        { Shape(5, 6, 1, 7, 11, 3, 2, 1, 1, 2, 0, 1, 3, 2, 3), 2 },      // dilated, asymmetric, stride 1
        { Shape(4, 6, 1, 15, 15, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1), 1 },     // stride only along height: column path backward
        // BackwardData as a flipped-kernel stride-1 conv needs >= 16 input channels: the same geometries again with 16.
        { Shape(16, 8, 1, 30, 56, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1 },
        { Shape(16, 6, 1, 1, 4500, 1, 9, 1, 1, 0, 0, 4, 4, 1, 1), 1 },
        { Shape(16, 5, 1, 9, 9, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1), 2 },
        { Shape(16, 5, 1, 9, 9, 2, 2, 1, 1, 2, 2, 2, 2, 1, 1), 1 },
        { Shape(16, 6, 1, 7, 11, 3, 2, 1, 1, 2, 0, 1, 3, 2, 3), 2 },
        { Shape(32, 6, 2, 12, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1 },   // two groups of 16
        { Shape(3, 8, 1, 40, 75, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1), 1 },
        { Shape(16, 8, 1, 28, 28, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 1 },   // ResNet-like 14x14 stride-2: 8-wide gathers in split panels
        { Shape(64, 96, 1, 30, 30, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), 2 },  // stride-2 gathers of a large column matrix, split along M
        { Shape(16, 8, 1, 29, 27, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1), 1 },   // 1x1 stride-2 downsampling, odd sizes
        { Shape(16, 8, 1, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1 },   // 14-wide rows: 8-wide copies in split panels
        { Shape(4, 8, 1, 1, 40000, 1, 11, 1, 1, 0, 0, 5, 5, 1, 1), 1 },  // 1-D, 4 channels: W^T dy folded in two column blocks
        { Shape(8, 4, 1, 150, 150, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1), 1 },  // strided: fold blocks begin and end mid-row     // ResNet-like stem: stride-2 vector gathers and clipped edges
        // Winograd F(2x2, 3x3): >= 16 channels each way, 3x3, stride 1; odd sizes leave half tiles and tails of 8 tiles.
        { Shape(16, 16, 1, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1 },
        { Shape(17, 19, 1, 13, 21, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 2 },
        { Shape(20, 16, 1, 35, 9, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1), 1 },    // valid conv: transposed pads 2
        { Shape(16, 24, 1, 10, 12, 3, 3, 1, 1, 2, 1, 0, 2, 1, 1), 1 },   // asymmetric pads, one of them 2
        { Shape(18, 16, 1, 8, 8, 3, 3, 1, 1, 3, 3, 3, 3, 1, 1), 1 },     // pads past the kernel: negative transposed pads
        { Shape(32, 48, 1, 34, 34, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1 },   // two threads, several 8-tile groups
        { Shape(16, 20, 1, 37, 45, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 2 },   // F(4x4, 3x3): 12 tiles a row (a group and a tail of 4), partial last tiles
        { Shape(24, 16, 1, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1 },   // the smallest output with 4x4 tiles
        { Shape(16, 17, 1, 15, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1 },   // 15 rows: the largest that keeps 2x2 tiles
        // Wide rows: several full 8-tile groups per tile row between the padded edges.
        { Shape(16, 20, 1, 20, 83, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), 1 },   // F(4x4): 21 tiles a row (groups of 8, 8, 5)
        { Shape(16, 16, 1, 12, 61, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1), 2 },   // F(2x2), valid: 30 tiles a row, transposed pads 2
        { Shape(17, 16, 1, 11, 70, 3, 3, 1, 1, 2, 1, 0, 2, 1, 1), 1 },   // F(2x2), asymmetric pads
    };

    [Theory]
    [MemberData(nameof(FixedCases))]
    public void ForwardAndBackward_FixedShapes_MatchReference(ConvShape shape, int batch) =>
        CheckAgainstReference(new Random(shape.GetHashCode()), shape, batch);

    // The stride-2 gathers of the column matrix step 8 outputs at a time and mask the steps that reach past either end
    // of an input row or past a run of a panel: every input width up to 40 (output rows of 1 to 20, so runs of every
    // length and offset in a 16-column panel), left pads 0 to 3, kernel widths 1, 3 and 7.
    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 1)]
    [InlineData(3, 0)]
    [InlineData(7, 3)]
    [InlineData(7, 2)]
    [InlineData(1, 1)]
    public void Forward_StrideTwoEveryWidth_MatchesReference(int kernel, int pad)
    {
        var rng = new Random(kernel * 10 + pad);
        for (int width = 1; width <= 40; width++)
        {
            if (width + 2 * pad < kernel) continue;
            CheckAgainstReference(rng, Shape(2, 7, 1, 5, width, kernel == 7 ? 3 : kernel, kernel, 2, 2, 1, 1, pad, pad + width % 2, 1, 1), 1);
        }
    }

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void BackwardData_IsAdjointOfForward(int seed, bool twoD)
    {
        // <conv(x), dy> = <x, conv^T(dy)> holds for the kernel pair itself, independent of the reference loops.
        var rng = new Random(1000 + seed * 2 + (twoD ? 1 : 0));
        for (int trial = 0; trial < 4; trial++)
        {
            var s = RandomShape(rng, twoD);
            int batch = 1 + rng.Next(3);
            var op = new ConvOperator(s, KernelAssert.Random(rng, s.WeightSize));
            var x = KernelAssert.Random(rng, batch * s.InSize);
            var dy = KernelAssert.Random(rng, batch * s.OutSize);
            var scratch = new float[op.ScratchLength(batch)];
            var y = new float[batch * s.OutSize];
            var dx = new float[batch * s.InSize];
            op.Forward(x, [], y, batch, scratch);
            op.BackwardData(dy, dx, batch, scratch);
            double left = Dot(y, dy), right = Dot(x, dx), scale = AbsDot(y, dy) + AbsDot(x, dx);
            Assert.True(Math.Abs(left - right) <= 1e-5 * scale, $"{s}: <conv x, dy> = {left}, <x, conv^T dy> = {right}");
        }
    }

    [Theory]
    [InlineData(false, 17)]
    [InlineData(true, 17)]
    [InlineData(true, 24)] // 24 x 24 positions: the lean form's Winograd, each caller's kernels in its own scratch
    public void Forward_SharedOperatorOnManyThreads_MatchesReference(bool lean, int size)
    {
        // One immutable operator, several callers with their own buffers (most find the worker busy and run alone).
        var rng = new Random(77);
        var s = Shape(size == 17 ? 12 : 16, 20, 1, size, size - 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        Assert.Equal(size == 24 && Winograd3x3.Applies(16, 20, 24, 22), LeanWinograd.Pays(s));
        var w = KernelAssert.Random(rng, s.WeightSize);
        var op = lean ? new ConvOperator(s, w, WeightMap.Identity) : new ConvOperator(s, w);
        var inputs = Enumerable.Range(0, 6).Select(_ => KernelAssert.Random(rng, s.InSize)).ToArray();
        var outputs = new float[inputs.Length][];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            var y = new float[s.OutSize];
            var scratch = new float[op.ScratchLength(1)];
            for (int round = 0; round < 20; round++) op.Forward(inputs[t], [], y, 1, scratch);
            outputs[t] = y;
        });
        for (int t = 0; t < inputs.Length; t++)
            KernelAssert.Close(ReferenceConv.Forward(s, w, inputs[t], [], 1), outputs[t], s.InChannels * 9, $"thread {t}");
    }

    [Fact]
    public void Constructor_BadGroupsOrWeight_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ConvOperator(Shape(3, 4, 2, 5, 5, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1), new float[100]));
        Assert.Throws<ArgumentException>(() => new ConvOperator(Shape(2, 4, 1, 5, 5, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1), new float[71]));
    }

    [Avx2Theory]
    [InlineData(16, 17, 9, 13, 1, 1, 2)]
    [InlineData(21, 16, 20, 7, 0, 2, 2)]
    [InlineData(16, 16, 11, 11, -1, 3, 2)]
    [InlineData(16, 17, 9, 13, 1, 1, 4)]
    [InlineData(21, 16, 21, 37, 0, 2, 4)]   // a full 8-tile group and a tail of 2 tiles, partial last tiles
    [InlineData(16, 16, 11, 11, -1, 3, 4)]
    [InlineData(16, 18, 8, 70, 1, 1, 4)]    // 18 tiles a row: two full groups and a tail of 2
    public void Winograd_SeveralBlocks_MatchesReference(int cin, int cout, int outH, int outW, int padTop, int padLeft, int tile)
    {
        // A tiny block budget forces one tile row per block, so every block boundary and the last partial block run.
        var rng = new Random(cin * 100 + outH);
        int inH = outH + 2 - 2 * padTop + 1, inW = outW + 2 - 2 * padLeft + 2;
        var s = new ConvShape(cin, cout, 1, inH, inW, 3, 3, 1, 1, padTop, padLeft, 1, 1, outH, outW);
        var w = KernelAssert.Random(rng, s.WeightSize);
        var bias = KernelAssert.Random(rng, cout);
        var x = KernelAssert.Random(rng, s.InSize);
        var expected = ReferenceConv.Forward(s, w, x, bias, 1);
        foreach (bool threadBlocks in new[] { false, true })
        {
            var op = new Winograd3x3(cin, cout, inH, inW, outH, outW, padTop, padLeft, w, blockFloats: 1, outputTile: tile, threadBlocks: threadBlocks);
            var y = RunWinograd(op, x, bias, s.OutSize, rng);
            KernelAssert.Close(expected, y, cin * 9, $"winograd F({tile}x{tile}, 3x3) {s}, thread blocks {threadBlocks}");
        }
    }

    [Avx2Theory]
    [InlineData(300, 16, 9, 13, 2)]   // products of 2 depth blocks of 150 channels; 7 tiles a row
    [InlineData(520, 17, 12, 37, 4)]  // 3 depth blocks (174, 174, 172); 10 tiles a row
    [InlineData(257, 16, 20, 7, 2)]   // 2 depth blocks (129, 128); 4 tiles a row
    [InlineData(16, 16, 30, 58, 4)]   // 15 tiles a row: the products' column panels start mid-row
    public void Winograd_DeepInputsAndPanelSpans_MatchReference(int cin, int cout, int outH, int outW, int tile)
    {
        // Deep inputs split the products into depth blocks, and whole blocks of tile rows (the default block budget) put
        // several tile rows in one product, so its column panels cross from row to row.
        var rng = new Random(cin * 31 + outW);
        var (s, w, bias, x) = SamePadded3x3(rng, cin, cout, outH, outW);
        var expected = ReferenceConv.Forward(s, w, x, bias, 1);
        foreach (bool threadBlocks in new[] { false, true })
        {
            var op = new Winograd3x3(cin, cout, outH, outW, outH, outW, 1, 1, w, outputTile: tile, threadBlocks: threadBlocks);
            var y = RunWinograd(op, x, bias, s.OutSize, rng);
            KernelAssert.Close(expected, y, cin * 9, $"F({tile}x{tile}, 3x3) {s}, thread blocks {threadBlocks}");
            // Nothing left in the scratch may reach y (the line between two planes of V or M, the slack after them).
            Assert.Equal(y, RunWinograd(op, x, bias, s.OutSize, rng, scratchFill: float.NaN));
        }
    }

    [Avx2Theory]
    [InlineData(16, 24, 61, 45, 4)]  // thread blocks of 4 tile rows: 4 blocks, the last one short
    [InlineData(24, 16, 90, 37, 2)]  // F(2x2): 7 blocks of 7 tile rows, the last 3
    [InlineData(17, 16, 8, 8, 4)]    // 2 tile rows: capped at one block a thread
    [InlineData(16, 16, 3, 30, 2)]   // 2 tile rows, the last one partial
    public void Winograd_ThreadBlocksOnBothThreads_MatchSharedBlocks(int cin, int cout, int outH, int outW, int tile)
    {
        // Blocks sized for a few tile rows each, claimed by the caller and the kernel worker; repeated so that both
        // threads run blocks, and compared with the plain loop, the shared-block schedule (whose products split the
        // columns differently, so agree to rounding) and the first round (the same blocks: bit for bit).
        var rng = new Random(cin * 1000 + outW);
        var (s, w, bias, x) = SamePadded3x3(rng, cin, cout, outH, outW);
        int rowFloats = (tile + 2) * (tile + 2) * (cin + cout) * ((outW + tile - 1) / tile);
        int blockRows = tile == 4 ? 4 : 7;
        var threadBlocks = new Winograd3x3(cin, cout, outH, outW, outH, outW, 1, 1, w, blockFloats: blockRows * rowFloats, outputTile: tile, threadBlocks: true);
        var shared = new Winograd3x3(cin, cout, outH, outW, outH, outW, 1, 1, w, outputTile: tile, threadBlocks: false);
        var expected = ReferenceConv.Forward(s, w, x, bias, 1);
        KernelAssert.Close(expected, RunWinograd(shared, x, bias, s.OutSize, rng), cin * 9, $"shared blocks, {s}");
        var first = RunWinograd(threadBlocks, x, bias, s.OutSize, rng);
        for (int round = 0; round < 10; round++)
        {
            var y = round == 0 ? first : RunWinograd(threadBlocks, x, bias, s.OutSize, rng);
            KernelAssert.Close(expected, y, cin * 9, $"thread blocks, round {round}, {s}");
            Assert.Equal(first, y);
        }
    }

    [Avx2Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Winograd_ConcurrentCallers_AgreeBitForBit(bool threadBlocks)
    {
        // One prepared convolution shared by 4 threads, each with its own scratch: callers that find the kernel worker
        // busy run every block (thread blocks) or every product (shared blocks) themselves, and must get what a lone
        // caller gets.
        var rng = new Random(77);
        var s = new ConvShape(16, 24, 1, 40, 36, 3, 3, 1, 1, 1, 1, 1, 1, 40, 36);
        var w = KernelAssert.Random(rng, s.WeightSize);
        var bias = KernelAssert.Random(rng, s.OutChannels);
        var op = new Winograd3x3(16, 24, 40, 36, 40, 36, 1, 1, w, outputTile: 4, threadBlocks: threadBlocks);
        var inputs = Enumerable.Range(0, 4).Select(_ => KernelAssert.Random(rng, s.InSize)).ToArray();
        var alone = inputs.Select(x => RunWinograd(op, x, bias, s.OutSize, new Random(1))).ToArray();
        var outputs = new float[inputs.Length][][];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
            outputs[t] = Enumerable.Range(0, 10).Select(_ => RunWinograd(op, inputs[t], bias, s.OutSize, new Random(t))).ToArray());
        for (int t = 0; t < inputs.Length; t++)
        {
            KernelAssert.Close(ReferenceConv.Forward(s, w, inputs[t], bias, 1), alone[t], s.InChannels * 9, $"caller {t}");
            foreach (var y in outputs[t])
                Assert.Equal(alone[t], y);
        }
    }

    [Fact]
    public void Winograd_ThreadBlocks_ChosenBySizeOfTransformedKernelsAndTileRows()
    {
        Assert.True(Winograd3x3.UsesThreadBlocks(64, 64, 224, 4));    // VGG-16's first layers: U is 0.6 MB
        Assert.True(Winograd3x3.UsesThreadBlocks(64, 64, 56, 4));     // ResNet-50's first stage: 14 tile rows
        Assert.True(Winograd3x3.UsesThreadBlocks(128, 256, 56, 4));   // 4.7 MB
        Assert.False(Winograd3x3.UsesThreadBlocks(256, 256, 56, 4));  // 9.4 MB: shared blocks read it fewer times
        Assert.True(Winograd3x3.UsesThreadBlocks(256, 256, 32, 2));   // F(2x2): 16 elements, 4.2 MB, 16 tile rows
        Assert.False(Winograd3x3.UsesThreadBlocks(512, 512, 32, 2));
        // Fewer than 8 tile rows split unevenly over the two threads: shared blocks, whatever the size of U.
        Assert.False(Winograd3x3.UsesThreadBlocks(256, 256, 14, 2));  // ResNet-50's 14x14 layers: 7 tile rows
        Assert.False(Winograd3x3.UsesThreadBlocks(128, 128, 28, 4));  // its 28x28 layers: 7 tile rows
        Assert.True(Winograd3x3.UsesThreadBlocks(128, 128, 29, 4));   // 8 tile rows, the last one partial
        Assert.False(Winograd3x3.UsesThreadBlocks(16, 16, 14, 2));
    }

    // A 3x3 stride-1 convolution padded by 1 (the output the size of the input), with random weights, bias and input.
    internal static (ConvShape Shape, float[] Weight, float[] Bias, float[] Input) SamePadded3x3(Random rng, int cin, int cout, int height, int width)
    {
        var s = new ConvShape(cin, cout, 1, height, width, 3, 3, 1, 1, 1, 1, 1, 1, height, width);
        return (s, KernelAssert.Random(rng, s.WeightSize), KernelAssert.Random(rng, cout), KernelAssert.Random(rng, s.InSize));
    }

    internal static float[] RunWinograd(Winograd3x3 op, float[] x, float[] bias, int outSize, Random rng, float? scratchFill = null)
    {
        var scratch = KernelAssert.Random(rng, op.ScratchLength); // garbage in the scratch must not matter
        if (scratchFill is float fill)
            scratch.AsSpan().Fill(fill);
        var y = new float[outSize];
        unsafe
        {
            fixed (float* px = x, pb = bias, py = y, ps = scratch)
                op.Run(px, pb, py, ps);
        }
        return y;
    }

    [Fact]
    public void BackwardData_StridedShortScratch_Throws()
    {
        var s = Shape(2, 4, 1, 9, 9, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1);
        var op = new ConvOperator(s, new float[s.WeightSize]);
        Assert.Equal(2 * 9 * 4 * 4, op.ScratchLength(1)); // the column matrix of the col2im fold
        Assert.Throws<ArgumentException>(() => op.BackwardData(new float[s.OutSize], new float[s.InSize], 1, new float[op.ScratchLength(1) - 1]));
    }

    [Fact]
    public void ScratchLength_UnitStrideManyChannels_IsZero()
    {
        // Stride-1 convolutions with >= 16 input channels pack their column matrices on the fly in both directions
        // (dilated here, so Winograd does not apply and needs no blocks either).
        var s = Shape(16, 4, 1, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1, 2, 2);
        Assert.Equal(0, new ConvOperator(s, new float[s.WeightSize]).ScratchLength(4));
        // An RGB-like first layer folds W^T dy instead: one 27 x (9 x 9) column matrix.
        var rgb = Shape(3, 8, 1, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        Assert.Equal(27 * 81, new ConvOperator(rgb, new float[rgb.WeightSize]).ScratchLength(1));
    }

    // The lean form (MemoryMode.Lean) of every fixed and random geometry, with a rule's map that cycles through the
    // variants, against the reference on the modified copy of the weights.
    [Theory]
    [MemberData(nameof(FixedCases))]
    public void Lean_FixedShapes_MatchReference(ConvShape shape, int batch)
    {
        var rng = new Random(shape.GetHashCode() + 5);
        CheckAgainstReference(rng, shape, batch, WeightVariant.Original);
        CheckAgainstReference(rng, shape, batch, (WeightVariant)(1 + rng.Next(Enum.GetValues<WeightVariant>().Length - 1)));
    }

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void Lean_RandomShapes_MatchReference(int seed, bool twoD)
    {
        var rng = new Random(500 + seed * 2 + (twoD ? 1 : 0));
        for (int trial = 0; trial < 8; trial++)
            CheckAgainstReference(rng, RandomShape(rng, twoD), 1 + rng.Next(3), (WeightVariant)rng.Next(Enum.GetValues<WeightVariant>().Length));
    }

    [Theory]
    [InlineData(130, 40, 1, 6, 6, 3, 3, 1)]    // flipped kernel 130 x 360: two row blocks (MC 120) and two depth blocks
    [InlineData(40, 130, 1, 7, 9, 3, 3, 1)]    // forward 130 x 360, fold-free transposed product 40 x 1170
    [InlineData(130, 250, 1, 9, 9, 1, 1, 2)]   // pointwise: W 250 x 130 and W^T 130 x 250 past MC
    [InlineData(6, 130, 1, 20, 20, 3, 3, 1)]   // few input channels: W^T [54, 130] folded
    [InlineData(260, 260, 2, 5, 5, 3, 3, 1)]   // two groups of 130 channels
    public void Lean_BlocksPastPanelSizes_MatchReference(int cin, int cout, int groups, int h, int w, int kh, int kw, int batch)
    {
        var s = Shape(cin, cout, groups, h, w, kh, kw, 1, 1, kh / 2, kh / 2, kw / 2, kw / 2, 1, 1);
        foreach (var variant in new[] { WeightVariant.Positive, WeightVariant.GammaNegative, WeightVariant.Square })
            CheckAgainstReference(new Random(cin + cout + (int)variant), s, batch, variant);
    }

    [Fact]
    public void Lean_WinogradShape_TransformsKernelsIntoScratchAndMatchesReference()
    {
        // The lean form keeps no transformed kernels: where remaking them at each call pays (LeanWinograd), they go into
        // the scratch ahead of the Winograd blocks.
        var s = Shape(32, 48, 1, 34, 34, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        var w = new float[s.WeightSize];
        var lean = new ConvOperator(s, w, WeightMap.Positive);
        Assert.True(lean.PacksPerProduct);
        Assert.False(new ConvOperator(s, w).PacksPerProduct);
        // The larger of the two directions' needs: the forward's kernels and blocks, the transposed product's with its
        // guards, by shape alone, so that every variant of the layer (with zero weights or without) gets the same scratch.
        int transposed = TransposedWinograd.LeanScratchLengthFor(s);
        Assert.Equal(Math.Max(LeanWinograd.Pays(s) ? new LeanWinograd(s).ScratchLength : 0, transposed), lean.ScratchLength(1));
        Assert.Equal(lean.ScratchLength(1), new ConvOperator(s, KernelAssert.Random(new Random(4), s.WeightSize), WeightMap.Identity).ScratchLength(1));
        if (Winograd3x3.Applies(32, 48, 34, 34))
        {
            Assert.True(transposed > 0);
            Assert.True(lean.ScratchLength(1) >= Winograd3x3.KernelFloatsFor(32, 48, 4) + Winograd3x3.ScratchLengthFor(32, 48, 34, 34, 4));
        }
        // Below LeanWinograd.MinOutputs positions (14x14 here) the transforms would cost more than they save: the lean
        // form runs the direct sum there, with no scratch at all.
        var small = Shape(32, 48, 1, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        Assert.False(LeanWinograd.Pays(small));
        Assert.Equal(0, new ConvOperator(small, new float[small.WeightSize], WeightMap.Positive).ScratchLength(1));
        CheckAgainstReference(new Random(8), small, 1, WeightVariant.Positive);
        // A depthwise convolution runs direct from a small copy in both forms, and reports its form all the same.
        var depthwise = Shape(32, 32, 32, 20, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        Assert.True(new ConvOperator(depthwise, new float[depthwise.WeightSize], WeightMap.Positive).PacksPerProduct);
        foreach (var variant in new[] { WeightVariant.GammaPositive, WeightVariant.Positive, WeightVariant.Square })
            CheckAgainstReference(new Random(9 + (int)variant), s, 2, variant);
    }

    static void CheckAgainstReference(Random rng, ConvShape s, int batch, WeightVariant? lean = null)
    {
        var stored = KernelAssert.Random(rng, s.WeightSize);
        var bias = KernelAssert.Random(rng, s.OutChannels);
        var x = KernelAssert.Random(rng, batch * s.InSize);
        var dy = KernelAssert.Random(rng, batch * s.OutSize);
        // Lean: the operator reads the stored weights through the rule's map; the reference gets the modified copy.
        var w = lean is { } variant ? WeightVariants.Modify(stored, variant, 0.25f) : stored;
        var op = lean is { } v ? new ConvOperator(s, stored, WeightVariants.Map(v, 0.25f)) : new ConvOperator(s, w);
        string mode = lean is { } l ? $" lean {l}" : "";
        var scratch = KernelAssert.Random(rng, op.ScratchLength(batch)); // stale contents must not leak into results
        int k = s.InChannels / s.Groups * s.KernelHeight * s.KernelWidth;

        var y = KernelAssert.Random(rng, batch * s.OutSize);
        op.Forward(x, bias, y, batch, scratch);
        KernelAssert.Close(ReferenceConv.Forward(s, w, x, bias, batch), y, k, $"forward {s} batch {batch}{mode}");
        // The fused ReLU: exactly max(y, 0) of the same products, whichever path (GEMM tile, Winograd output, direct) ran.
        var rectified = KernelAssert.Random(rng, batch * s.OutSize);
        op.Forward(x, bias, rectified, batch, scratch, rectify: true);
        Assert.Equal(y.Select(v => Math.Max(v, 0f)).ToArray(), rectified);
        op.Forward(x, [], y, batch, scratch);
        KernelAssert.Close(ReferenceConv.Forward(s, w, x, [], batch), y, k, $"forward no bias {s} batch {batch}{mode}");

        var dx = KernelAssert.Random(rng, batch * s.InSize); // overwritten, not accumulated
        op.BackwardData(dy, dx, batch, scratch);
        int kT = s.OutChannels / s.Groups * s.KernelHeight * s.KernelWidth;
        KernelAssert.Close(ReferenceConv.BackwardData(s, w, dy, batch), dx, kT, $"backward {s} batch {batch}{mode}");
    }

    static double Dot(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    static double AbsDot(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += Math.Abs((double)a[i] * b[i]);
        return s;
    }
}
