using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace PrunedLrp.Cli;

/// <summary>
/// Starts the AVX-512 build of plrp in place of this one when it can run faster: the default Native-AOT binary is
/// compiled for x86-64-v3 (AVX2), and Native AOT cannot switch AVX-512 on at run time in such a binary, so a linux-x64
/// publish also writes an x86-64-v4 build to <c>avx512/plrp</c> beside it (see the CLI's project file). On a CPU with
/// every AVX-512 subset that build needs, this binary replaces its process image with that one (<c>execve</c>: the same
/// process id, arguments, environment, standard streams and exit code), before it has read or written anything. The
/// companion checks that it was built from the same code (<see cref="Build"/>) and otherwise starts this binary again
/// with its own AVX2 code.
/// </summary>
/// <remarks>
/// Nothing happens under the JIT (which uses AVX-512 by itself), in a build that already has AVX-512, when
/// <c>PRUNEDLRP_AVX512=0</c> (AVX2 code by choice), off Linux x64, or without the companion file: then this binary runs
/// as it is. If <c>execve</c> fails, it says so on standard error and runs as it is.
/// </remarks>
internal static unsafe partial class Avx512HandOver
{
    /// <summary>The companion's path relative to the directory of this executable.</summary>
    public static readonly string CompanionRelativePath = Path.Combine("avx512", "plrp");

    /// <summary>The AVX-512 subsets an x86-64-v4 binary requires: Foundation, DQ, CD, BW and VL (CPUID leaf 7, sub-leaf
    /// 0, EBX bits 16, 17, 28, 30 and 31).</summary>
    public const uint X8664V4Bits = (1u << 16) | (1u << 17) | (1u << 28) | (1u << 30) | (1u << 31);

    /// <summary>The same subsets as Linux names them in the flags of /proc/cpuinfo, where the kernel lists only what
    /// it has enabled (it drops them when it does not save the AVX-512 registers, which CPUID alone does not show).</summary>
    public static readonly string[] X8664V4Flags = ["avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"];

    /// <summary>Set by the hand-over for the companion: the default binary's path.</summary>
    public const string FromVariable = "PRUNEDLRP_HANDOVER_FROM";

    /// <summary>Set by the hand-over for the companion: the default binary's build (informational version, with the
    /// commit), which the companion's must equal.</summary>
    public const string BuildVariable = "PRUNEDLRP_HANDOVER_BUILD";

    /// <summary>This binary's build: the informational version, which carries the commit it was built from.</summary>
    public static string Build { get; } =
        typeof(Avx512HandOver).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Replaces this process with the companion when <see cref="ShouldHandOver"/> holds; returns only when it
    /// does not (or when <c>execve</c> failed, after a note on standard error). In the companion, started by a
    /// hand-over from a binary of another build (one of the two files replaced), starts that binary again with its own
    /// AVX2 code, so that what runs is always the build the user started.</summary>
    public static void TryHandOver(string[] args)
    {
        if (RuntimeFeature.IsDynamicCodeSupported || !OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return;
        if (Avx512F.IsSupported)
        {
            ReturnIfOtherBuild(args);
            return;
        }
        if (Environment.GetEnvironmentVariable("PRUNEDLRP_AVX512") == "0")
            return;
        string? self = Environment.ProcessPath, directory = Path.GetDirectoryName(self);
        if (self is null || directory is null)
            return;
        string companion = Path.Combine(directory, CompanionRelativePath);
        if (!File.Exists(companion) || !ShouldHandOver(CpuFeatures.Leaf7Ebx(), CpuInfoFlags()))
            return;
        int errno = Execute(companion, args, [(FromVariable, self), (BuildVariable, Build)]);
        Console.Error.WriteLine($"plrp: note: could not start the AVX-512 build {companion} (errno {errno}); running the AVX2 build");
    }

    // In the companion: back to the binary that handed over when the two were built from different code.
    static void ReturnIfOtherBuild(string[] args)
    {
        string? from = Environment.GetEnvironmentVariable(FromVariable), build = Environment.GetEnvironmentVariable(BuildVariable);
        if (from is null || build is null || build == Build)
            return;
        Console.Error.WriteLine($"plrp: note: {Environment.ProcessPath} is build {Build}, but {from} is build {build}: running {from} "
            + "with its own AVX2 code (publish both together to use AVX-512)");
        int errno = Execute(from, args, [("PRUNEDLRP_AVX512", "0"), (FromVariable, null), (BuildVariable, null)]);
        Console.Error.WriteLine($"plrp: note: could not start {from} (errno {errno}); running this build");
    }

    /// <summary>Whether the CPU and the OS support the x86-64-v4 build: every bit of <see cref="X8664V4Bits"/> in
    /// <paramref name="leaf7Ebx"/>, and every flag of <see cref="X8664V4Flags"/> in <paramref name="cpuInfoFlags"/>
    /// (null: no /proc/cpuinfo to ask, which never hands over).</summary>
    public static bool ShouldHandOver(uint leaf7Ebx, IReadOnlySet<string>? cpuInfoFlags) =>
        (leaf7Ebx & X8664V4Bits) == X8664V4Bits && cpuInfoFlags is not null && X8664V4Flags.All(cpuInfoFlags.Contains);

    /// <summary>The flags of the first processor in <paramref name="cpuInfo"/> (the text of /proc/cpuinfo), or null
    /// when it has no flags line.</summary>
    public static HashSet<string>? ParseFlags(IEnumerable<string> cpuInfo)
    {
        foreach (string line in cpuInfo)
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || line.AsSpan(0, colon).Trim() is not "flags")
                continue;
            return [.. line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        }
        return null;
    }

    static HashSet<string>? CpuInfoFlags()
    {
        try
        {
            return ParseFlags(File.ReadLines("/proc/cpuinfo"));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    // execve(path, argv, envp): argv[0] is the path (so that the program names itself as the one started), then the
    // arguments; the environment is this process's with `changes` applied (a null value removes the variable). All as
    // NUL-terminated UTF-8 strings behind arrays of pointers ending in null. Returns only on failure, with errno.
    static int Execute(string path, string[] args, (string Name, string? Value)[] changes)
    {
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        foreach (var (name, value) in changes)
        {
            if (value is null)
                environment.Remove(name);
            else
                environment[name] = value;
        }
        string[] argv = [path, .. args];
        string[] envp = [.. environment.Select(e => e.Key + "=" + e.Value)];
        var strings = argv.Concat(envp).Select(text => Encoding.UTF8.GetBytes(text + '\0')).ToArray();
        var handles = new GCHandle[strings.Length];
        // Pointers to argv's strings, null, pointers to envp's strings, null.
        var pointers = new nint[strings.Length + 2];
        try
        {
            for (int i = 0; i < strings.Length; i++)
            {
                handles[i] = GCHandle.Alloc(strings[i], GCHandleType.Pinned);
                pointers[i < argv.Length ? i : i + 1] = handles[i].AddrOfPinnedObject();
            }
            fixed (nint* p = pointers)
                _ = ExecVE((byte*)p[0], (byte**)p, (byte**)(p + argv.Length + 1));
            return Marshal.GetLastPInvokeError();
        }
        finally
        {
            foreach (var handle in handles)
                if (handle.IsAllocated)
                    handle.Free();
        }
    }

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true)]
    private static partial int ExecVE(byte* path, byte** argv, byte** envp);
}
