using Xunit;
using System.Text;
using PrunedLrp.IO;

namespace PrunedLrp.Tests.IO;

public class NpyFileTests
{
    static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "npy", name);

    // what make_npy_fixtures.py stores: arange(6).reshape(2, 3) - 2
    static readonly float[] Base = [-2, -1, 0, 1, 2, 3];

    [Theory]
    [InlineData("f4_le.npy", 1f, 0f)]
    [InlineData("f4_be.npy", 1f, 0f)]
    [InlineData("f8_le.npy", 0.25f, 0f)]
    [InlineData("f8_be.npy", 0.25f, 0f)]
    [InlineData("i4_le.npy", 1f, 0f)]
    [InlineData("i8_le.npy", 1f, 0f)]
    [InlineData("i8_be.npy", 1f, 0f)]
    [InlineData("u1.npy", 1f, 2f)]
    [InlineData("f2_le.npy", 0.5f, 0f)]
    [InlineData("f4_fortran.npy", 1f, 0f)]
    [InlineData("f4_v2.npy", 1f, 0f)]
    [InlineData("f4_v3.npy", 1f, 0f)]
    public void Read_NumpyFixture_GivesBaseValues(string name, float scale, float offset)
    {
        var a = NpyFile.Read(Fixture(name));
        Assert.Equal([2, 3], a.Shape);
        Assert.Equal(Base.Select(v => v * scale + offset).ToArray(), a.Data);
    }

    [Fact]
    public void Read_Bool_GivesZeroOne()
    {
        var a = NpyFile.Read(Fixture("b1.npy"));
        Assert.Equal([0f, 0, 0, 1, 1, 1], a.Data);
    }

    [Fact]
    public void Read_Fortran3d_TransposesToCOrder()
    {
        // numpy holds arange(24).reshape(2, 3, 4) in Fortran order; after load element [i, j, k] = 12 i + 4 j + k
        var a = NpyFile.Read(Fixture("f4_fortran_3d.npy"));
        Assert.Equal([2, 3, 4], a.Shape);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (float)i).ToArray(), a.Data);
    }

    [Fact]
    public void Read_ScalarEmptyAnd1d()
    {
        var s = NpyFile.Read(Fixture("f4_scalar.npy"));
        Assert.Empty(s.Shape);
        Assert.Equal([7.5f], s.Data);
        var e = NpyFile.Read(Fixture("f4_empty.npy"));
        Assert.Equal([0, 5], e.Shape);
        Assert.Empty(e.Data);
        var v = NpyFile.Read(Fixture("f4_1d.npy"));
        Assert.Equal([5], v.Shape);
        Assert.Equal([0f, 1, 2, 3, 4], v.Data);
    }

    [Fact]
    public void Read_ZennitInputs_PathAndSpanAgree()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "zennit");
        var files = Directory.GetFiles(dir, "input.npy", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var a = NpyFile.Read(file);
            var b = NpyFile.Read(File.ReadAllBytes(file), file);
            Assert.Equal(4, a.Shape[0]); // every model folder holds 4 samples
            Assert.Equal(a.Shape, b.Shape);
            Assert.Equal(a.Data, b.Data);
            Assert.Equal(new FileInfo(file).Length, HeaderLength(file) + 4L * a.Data.Length);
        }
    }

    static long HeaderLength(string file)
    {
        var bytes = File.ReadAllBytes(file);
        return 10 + BitConverter.ToUInt16(bytes, 8);
    }

    [Theory]
    [InlineData("f4_saved_2x3.npy")]
    [InlineData("f4_saved_1000.npy")]
    [InlineData("f4_saved_4d.npy")]
    public void Write_MatchesNumpySaveByteForByte(string name)
    {
        var bytes = File.ReadAllBytes(Fixture(name));
        var a = NpyFile.Read(bytes, name);
        using var ms = new MemoryStream();
        NpyFile.Write(ms, a.Data, a.Shape);
        Assert.Equal(bytes, ms.ToArray());
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 7 })]
    [InlineData(new[] { 3, 5 })]
    [InlineData(new[] { 2, 1, 3, 4 })]
    [InlineData(new[] { 123456, 1 })]
    public void Write_Read_RoundTrips(int[] shape)
    {
        int count = shape.Aggregate(1, (a, b) => a * b);
        var rng = new Random(count + shape.Length);
        var data = Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"npy-rt-{Guid.NewGuid():N}.npy");
        try
        {
            NpyFile.Write(path, data, shape);
            Assert.Equal(0, (int)(HeaderLength(path) % 64));
            var a = NpyFile.Read(path);
            Assert.Equal(shape, a.Shape);
            Assert.Equal(data, a.Data);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Write_ShapeMismatch_Throws()
    {
        using var ms = new MemoryStream();
        Assert.Throws<ArgumentException>(() => NpyFile.Write(ms, new float[5], [2, 3]));
        Assert.Throws<ArgumentException>(() => NpyFile.Write(ms, Array.Empty<float>(), [-1, 0]));
    }

    /// <summary>A version 1.0 file with <paramref name="header"/> (padded like numpy) followed by <paramref name="dataBytes"/> zero bytes.</summary>
    static byte[] Make(string header, int dataBytes, byte major = 1)
    {
        int pre = major == 1 ? 10 : 12;
        int len = header.Length + 1;
        int pad = (64 - (pre + len) % 64) % 64;
        string text = header + new string(' ', pad) + "\n";
        var bytes = new byte[pre + text.Length + dataBytes];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0 }.CopyTo(bytes, 0);
        if (major == 1) BitConverter.GetBytes((ushort)text.Length).CopyTo(bytes, 8);
        else BitConverter.GetBytes((uint)text.Length).CopyTo(bytes, 8);
        Encoding.Latin1.GetBytes(text).CopyTo(bytes, pre);
        return bytes;
    }

    static string Hdr(string descr, string fortran, string shape) =>
        $"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}";

    [Fact]
    public void Make_ValidHeader_Parses()
    {
        // guards the malformed cases below: the helper itself produces readable files
        var a = NpyFile.Read(Make(Hdr("<f4", "False", "(2, 3)"), 24), "ok.npy");
        Assert.Equal([2, 3], a.Shape);
        var b = NpyFile.Read(Make("{\"shape\": (3,), \"descr\": \"<i8\", \"fortran_order\": True}", 24, major: 2), "ok2.npy");
        Assert.Equal([3], b.Shape);
    }

    public static TheoryData<string, int, string> BadHeaders => new()
    {
        { Hdr("<f4", "False", "(-1, 3)"), 0, "'shape'" },
        { Hdr("<f4", "False", "(2147483647, 2147483647)"), 0, "'shape'" },
        { Hdr("<f4", "False", "(99999999999,)"), 0, "'shape'" },
        { Hdr("<f4", "False", "(5)"), 20, "'shape'" },
        { Hdr("<f4", "False", "(2, 3)"), 23, "truncated" },
        { Hdr("<f4", "False", "(2, 3)"), 25, "trailing" },
        { Hdr("<f4", "False", "(1000000, 1000000)"), 24, "'shape'" },
        { Hdr("<c8", "False", "(2,)"), 16, "'descr'" },
        { Hdr("|f4", "False", "(2,)"), 8, "'descr'" },
        { Hdr("<f4", "Maybe", "(2,)"), 8, "'fortran_order'" },
        { Hdr("<f4", "False", "[2]"), 8, "'shape'" },
        { "{'descr': '<f4', 'fortran_order': False}", 4, "'shape'" },
        { "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", 4, "twice" },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", 4, "unknown key" },
        { "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk", 4, "after the dictionary" },
        { "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}", 4, "header" },
        { "__import__('os').system('x')", 4, "header" },
        { "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", 4, "'descr'" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void Read_MalformedHeader_ThrowsNamingFileAndField(string header, int dataBytes, string expected)
    {
        var bytes = Make(header, dataBytes);
        var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(bytes, "bad.npy"));
        Assert.StartsWith("bad.npy:", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CorruptPreamble_Throws()
    {
        var good = Make(Hdr("<f4", "False", "(2,)"), 8);
        Assert.Contains("preamble", Assert.Throws<InvalidDataException>(() => NpyFile.Read(good.AsSpan(0, 7), "t.npy")).Message, StringComparison.Ordinal);
        var magic = (byte[])good.Clone();
        magic[1] = (byte)'X';
        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => NpyFile.Read(magic, "t.npy")).Message, StringComparison.Ordinal);
        var version = (byte[])good.Clone();
        version[6] = 4;
        Assert.Contains("version", Assert.Throws<InvalidDataException>(() => NpyFile.Read(version, "t.npy")).Message, StringComparison.Ordinal);
        var longHeader = (byte[])good.Clone();
        BitConverter.GetBytes((ushort)60000).CopyTo(longHeader, 8);
        Assert.Contains("header length", Assert.Throws<InvalidDataException>(() => NpyFile.Read(longHeader, "t.npy")).Message, StringComparison.Ordinal);
        var huge = Make(Hdr("<f4", "False", "(2,)"), 8, major: 2);
        BitConverter.GetBytes(uint.MaxValue).CopyTo(huge, 8);
        Assert.Contains("limit", Assert.Throws<InvalidDataException>(() => NpyFile.Read(huge, "t.npy")).Message, StringComparison.Ordinal);
        var noNewline = (byte[])good.Clone();
        noNewline[BitConverter.ToUInt16(good, 8) + 9] = (byte)' ';
        Assert.Contains("newline", Assert.Throws<InvalidDataException>(() => NpyFile.Read(noNewline, "t.npy")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedFileOnDisk_ThrowsNamingPath()
    {
        var bytes = File.ReadAllBytes(Fixture("f4_saved_1000.npy"));
        string path = Path.Combine(Path.GetTempPath(), $"npy-trunc-{Guid.NewGuid():N}.npy");
        try
        {
            for (int cut = 0; cut < bytes.Length; cut += 97)
            {
                File.WriteAllBytes(path, bytes.AsSpan(0, cut).ToArray());
                var e = Assert.Throws<InvalidDataException>(() => NpyFile.Read(path));
                Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
