using DeiT.Tuning.Build;
using TorchSharp;

namespace DeiT.Tuning.Training.Tests.Native;

public class NativeLoadTests
{
    [Fact]
    public void Torchsharp_native_library_loads_and_computes()
    {
        using var x = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        Assert.Equal(15f, x.sum().item<float>());
    }

    [Fact]
    public void Output_copy_of_lib_torchsharp_has_no_strong_need_the_system_lacks()
    {
        var libstdcxx = ElfVersionNeedPatcher.FindSystemLibStdCxx();
        Assert.NotNull(libstdcxx);
        var lib = Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).Single();
        var strongMissing = ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(lib))
            .Where(n => n.File.StartsWith("libstdc++") && (n.Flags & 2) == 0)
            .Where(n => !ElfVersionNeedPatcher.LibraryProvides(libstdcxx!, n.Version))
            .Select(n => n.Version).ToList();
        Assert.Empty(strongMissing);
    }

    [Fact]
    public void Patcher_weakens_exactly_the_missing_version_and_is_idempotent()
    {
        var original = Path.Combine(NuGetPackageRoot(), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var copy = Path.Combine(Path.GetTempPath(), $"libLibTorchSharp-{Guid.NewGuid():N}.so");
        File.Copy(original, copy);
        try
        {
            var before = ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(copy));
            var need = before.Single(n => n.Version == "GLIBCXX_3.4.32");
            Assert.Equal(0, need.Flags & 2);

            var weakened = ElfVersionNeedPatcher.WeakenMissingLibStdCxxNeeds(copy, v => v != "GLIBCXX_3.4.32");
            Assert.Equal(new[] { "GLIBCXX_3.4.32" }, weakened);
            var after = ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(copy));
            Assert.Equal(2, after.Single(n => n.Version == "GLIBCXX_3.4.32").Flags & 2);
            Assert.All(after.Where(n => n.Version != "GLIBCXX_3.4.32"),
                n => Assert.Equal(before.Single(b => b.FlagsOffset == n.FlagsOffset).Flags, n.Flags));

            Assert.Empty(ElfVersionNeedPatcher.WeakenMissingLibStdCxxNeeds(copy, v => v != "GLIBCXX_3.4.32"));
        }
        finally { File.Delete(copy); }
    }

    static string NuGetPackageRoot() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
