using System.Buffers.Binary;
using PrunedLrp.Graph;
using PrunedLrp.IO;
using Xunit;

namespace PrunedLrp.Tests.IO;

/// <summary>Truncated, corrupted and hostile files are rejected with InvalidDataException naming file and field.</summary>
public class ModelFileRejectionTests
{
    [Fact]
    public void EveryTruncation_IsRejectedCleanly()
    {
        byte[] bytes = ModelFile.ToBytes(ModelFileRandomSpecs.Create(11));
        for (int length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(bytes.AsSpan(0, length), "cut.plrp"));
            Assert.StartsWith("cut.plrp: ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EverySingleBitFlip_IsRejected()
    {
        byte[] bytes = ModelFile.ToBytes(ModelFileRandomSpecs.Create(12));
        var rng = new Random(12);
        for (int i = 0; i < bytes.Length; i++)
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[i] ^= (byte)(1 << rng.Next(8));
            var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(copy, "flip.plrp"));
            Assert.StartsWith("flip.plrp: ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RandomMultiByteCorruption_IsRejectedByChecksum()
    {
        byte[] bytes = ModelFile.ToBytes(ModelFileRandomSpecs.Create(13));
        var rng = new Random(13);
        for (int trial = 0; trial < 500; trial++)
        {
            byte[] copy = (byte[])bytes.Clone();
            int flips = rng.Next(2, 9);
            for (int k = 0; k < flips; k++)
                copy[rng.Next(24, copy.Length)] ^= (byte)rng.Next(1, 256);
            if (copy.AsSpan().SequenceEqual(bytes))
                continue;
            var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(copy, "noise.plrp"));
            Assert.Contains("checksum", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AppendedBytes_AreRejected()
    {
        byte[] bytes = ModelFile.ToBytes(ModelFileCrafting.SmallDense());
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read([.. bytes, 0], "x"));
        Assert.Contains("file length", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, int, ulong, bool, string> HostileFields() => new()
    {
        // name, offset, value, 64-bit field, expected field in message
        { "magic", 0, 0x4C444F4D50524C51, true, "magic" },
        { "version", 8, 2, false, "version" },
        { "flags", 12, 1, false, "flags" },
        { "huge node count", 24, uint.MaxValue, false, "node count" },
        { "node count at cap", 24, ModelFile.MaxNodes, false, "node count" },
        { "zero node count", 24, 0, false, "node count" },
        { "huge label count", 28, ModelFile.MaxLabels, false, "label count" },
        { "label count over cap", 28, uint.MaxValue, false, "label count" },
        { "blob offset unaligned", 32, 100, true, "blob offset" },
        { "blob offset huge", 32, ulong.MaxValue - 63, true, "blob offset" },
        { "blob length huge", 40, ulong.MaxValue - 3, true, "blob length" },
        { "input rank huge", ModelFileCrafting.InputRank, uint.MaxValue, false, "input shape rank" },
        { "input rank zero", ModelFileCrafting.InputRank, 0, false, "input shape rank" },
        { "input dim zero", ModelFileCrafting.InputRank + 4, 0, false, "input shape" },
        { "kind unknown", ModelFileCrafting.Node1, 77, false, "node 1 kind" },
        { "name length huge", ModelFileCrafting.Node1NameLength, 0xFFFFFFF0, false, "node 1 name length" },
        { "name length over cap", ModelFileCrafting.Node1NameLength, ModelFile.MaxNameBytes + 1, false, "node 1 name length" },
        { "input count huge", ModelFileCrafting.Node1InputCount, 1_000_000, false, "node 1 input count" },
        { "input id forward", ModelFileCrafting.Node1InputId, 1, false, "node 1 inputs" },
        { "input id negative", ModelFileCrafting.Node1InputId, uint.MaxValue, false, "node 1 inputs" },
        { "spatial rank huge", ModelFileCrafting.Node1SpatialRank, 1 << 30, false, "node 1 spatial rank" },
        { "groups zero", ModelFileCrafting.Node1Groups, 0, false, "node 1 groups" },
        { "flags unknown", ModelFileCrafting.Node1Flags, 4, false, "node 1 flags" },
        { "weight rank huge", ModelFileCrafting.Node1WeightRank, 1 << 28, false, "node 1 weight rank" },
        { "weight dim huge", ModelFileCrafting.Node1WeightRank + 4, 1 << 30, false, "node 1 weight" },
        { "weight dim zero", ModelFileCrafting.Node1WeightRank + 8, 0, false, "node 1 weight shape" },
        { "weight offset outside blob", ModelFileCrafting.Node1WeightOffset, 1UL << 40, true, "node 1 weight offset" },
        { "weight offset unaligned", ModelFileCrafting.Node1WeightOffset, 2, true, "node 1 weight offset" },
        { "weight offset end overflows", ModelFileCrafting.Node1WeightOffset, ulong.MaxValue - 3, true, "node 1 weight offset" },
        { "bias length huge", ModelFileCrafting.Node1BiasLength, uint.MaxValue, false, "node 1 bias" },
        { "bias length wrong", ModelFileCrafting.Node1BiasLength, 3, false, "bias" },
        { "empty param with offset", ModelFileCrafting.Node0 + 32, 64, true, "node 0 weight offset" },
    };

    [Theory]
    [MemberData(nameof(HostileFields))]
    public void HostileField_IsRejectedByName_WithoutLargeAllocation(string name, int offset, ulong value, bool wide, string field)
    {
        byte[] file = wide ? ModelFileCrafting.PatchU64(offset, value) : ModelFileCrafting.PatchU32(offset, (uint)value);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(file, "evil.plrp"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.StartsWith("evil.plrp: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"{name}: allocated {allocated} bytes before rejecting");
    }

    [Fact]
    public void InvalidGraph_IsRejectedWithNodeName()
    {
        // A Dense whose weight shape does not fit its input passes the record checks and fails shape inference.
        var model = ModelFileCrafting.SmallDense();
        byte[] file = ModelFile.ToBytes(model);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(ModelFileCrafting.InputRank + 4), 5); // input [5]
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(ModelFileCrafting.Reseal(file), "g.plrp"));
        Assert.Contains("g.plrp: node table: node 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelCountMismatch_IsRejected()
    {
        var model = ModelFileCrafting.SmallDense();
        var labeled = new ModelSpec { InputShape = model.InputShape, Nodes = model.Nodes, Labels = ["a", "b", "c"] };
        Assert.Contains("label count", Assert.Throws<InvalidDataException>(() => ModelFile.ToBytes(labeled)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8Label_IsRejected()
    {
        var model = ModelFileCrafting.SmallDense();
        var labeled = new ModelSpec { InputShape = model.InputShape, Nodes = model.Nodes, Labels = ["ab", "cd"] };
        byte[] file = ModelFile.ToBytes(labeled);
        int at = file.AsSpan().IndexOf("ab"u8);
        file[at] = 0xFF;
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(ModelFileCrafting.Reseal(file), "u.plrp"));
        Assert.Contains("label 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_ThrowsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => ModelFile.Read(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".plrp")));

    [Theory]
    [InlineData(float.NaN, false)]
    [InlineData(float.PositiveInfinity, false)]
    [InlineData(float.NegativeInfinity, true)]
    public void NonFiniteParameter_IsRejectedNamingNodeAndField(float value, bool inBias)
    {
        var spec = ModelFileCrafting.SmallDense();
        var node = spec.Nodes[1];
        var values = (inBias ? node.Bias : node.Weight).ToArray();
        values[^1] = value;
        node = new NodeSpec
        {
            Kind = node.Kind, Name = "fc", Inputs = node.Inputs, WeightShape = node.WeightShape,
            Weight = inBias ? node.Weight : values, Bias = inBias ? values : node.Bias,
        };
        byte[] bytes = ModelFile.ToBytes(new ModelSpec { InputShape = spec.InputShape, Nodes = [spec.Nodes[0], node] });
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.Read(bytes, "nan.plrp"));
        Assert.StartsWith($"nan.plrp: node 1 ({node.Name}) {(inBias ? "bias" : "weight")}: value {values.Length - 1} is ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FirstNonFinite_FindsTheFirstOneAtEveryPositionAndLength()
    {
        for (int length = 0; length <= 257; length++)
        {
            var values = Enumerable.Range(0, length).Select(i => i * 0.5f - 3f).ToArray();
            Assert.Equal(-1, FiniteValues.FirstNonFinite(values));
            for (int at = 0; at < length; at++)
            {
                var copy = (float[])values.Clone();
                copy[at] = (at % 3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => float.NegativeInfinity };
                if (at + 1 < length) copy[length - 1] = float.NaN; // a later one must not be reported first
                Assert.Equal(at, FiniteValues.FirstNonFinite(copy));
            }
        }
    }
}
