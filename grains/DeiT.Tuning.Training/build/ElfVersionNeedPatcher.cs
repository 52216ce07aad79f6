// Compiled twice: as an MSBuild inline task (Directory.Build.targets) that patches TorchSharp's native library in
// build outputs, and into the training tests (with ELF_PATCHER_NO_MSBUILD) that check the patch itself.
//
// TorchSharp 0.107's libLibTorchSharp.so records a need for GLIBCXX_3.4.32 (for std::ios_base_library_init, which
// no code calls). Debian 12 / Ubuntu 22.04 ship libstdc++ up to 3.4.30, so the loader refuses the library. Marking
// a version need weak (VER_FLG_WEAK in .gnu.version_r) turns the refusal into a tolerated miss.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace DeiT.Tuning.Build
{
    public static class ElfVersionNeedPatcher
    {
        const uint ShtGnuVerneed = 0x6ffffffe;
        const ushort VerFlagWeak = 0x2;

        static readonly string[] LibStdCxxCandidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };

        /// <summary>The system libstdc++ the dynamic loader would pick, or null when none is found.</summary>
        public static string? FindSystemLibStdCxx() => LibStdCxxCandidates.FirstOrDefault(File.Exists);

        /// <summary>True when the library's bytes define the version string (e.g. "GLIBCXX_3.4.32").</summary>
        public static bool LibraryProvides(string libraryPath, string version)
        {
            var bytes = File.ReadAllBytes(libraryPath);
            var needle = Encoding.ASCII.GetBytes(version + "\0");
            for (int i = 0; i + needle.Length <= bytes.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && bytes[i + j] == needle[j]) j++;
                if (j == needle.Length) return true;
            }
            return false;
        }

        /// <summary>Every (library, version, flags) need recorded in .gnu.version_r.</summary>
        public static List<(string File, string Version, ushort Flags, long FlagsOffset)> ReadVersionNeeds(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("only 64-bit little-endian ELF is supported");
            long shoff = BitConverter.ToInt64(elf, 0x28);
            int shentsize = BitConverter.ToUInt16(elf, 0x3A);
            int shnum = BitConverter.ToUInt16(elf, 0x3C);
            var needs = new List<(string, string, ushort, long)>();
            for (int i = 0; i < shnum; i++)
            {
                long sh = shoff + (long)i * shentsize;
                if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
                long offset = BitConverter.ToInt64(elf, (int)sh + 24);
                int link = (int)BitConverter.ToUInt32(elf, (int)sh + 40);
                int count = (int)BitConverter.ToUInt32(elf, (int)sh + 44);
                long strtab = BitConverter.ToInt64(elf, (int)(shoff + (long)link * shentsize + 24));
                long need = offset;
                for (int n = 0; n < count; n++)
                {
                    int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                    string file = ReadString(elf, strtab + BitConverter.ToUInt32(elf, (int)need + 4));
                    long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                        string version = ReadString(elf, strtab + BitConverter.ToUInt32(elf, (int)aux + 8));
                        needs.Add((file, version, flags, aux + 4));
                        aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                    }
                    need += BitConverter.ToUInt32(elf, (int)need + 12);
                }
            }
            return needs;
        }

        /// <summary>
        /// Marks weak every libstdc++ version need that <paramref name="isProvided"/> says the system lacks.
        /// Returns the versions it weakened (empty when nothing needed it). Idempotent.
        /// </summary>
        public static List<string> WeakenMissingLibStdCxxNeeds(string elfPath, Func<string, bool> isProvided)
        {
            var elf = File.ReadAllBytes(elfPath);
            var weakened = new List<string>();
            foreach (var (file, version, flags, flagsOffset) in ReadVersionNeeds(elf))
            {
                if (!file.StartsWith("libstdc++", StringComparison.Ordinal)) continue;
                if ((flags & VerFlagWeak) != 0 || isProvided(version)) continue;
                BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, flagsOffset);
                weakened.Add(version);
            }
            if (weakened.Count > 0) File.WriteAllBytes(elfPath, elf);
            return weakened;
        }

        static string ReadString(byte[] elf, long offset)
        {
            int end = (int)offset;
            while (elf[end] != 0) end++;
            return Encoding.ASCII.GetString(elf, (int)offset, end - (int)offset);
        }
    }

#if !ELF_PATCHER_NO_MSBUILD
    public sealed class WeakenLibTorchSharpGlibcxx : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required] public string Directory { get; set; } = "";

        public override bool Execute()
        {
            var libstdcxx = ElfVersionNeedPatcher.FindSystemLibStdCxx();
            if (libstdcxx == null || !System.IO.Directory.Exists(Directory)) return true;
            foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
            {
                var weakened = ElfVersionNeedPatcher.WeakenMissingLibStdCxxNeeds(
                    path, version => ElfVersionNeedPatcher.LibraryProvides(libstdcxx, version));
                if (weakened.Count > 0)
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                        $"{path}: marked weak {string.Join(", ", weakened)} (missing from {libstdcxx})");
            }
            return true;
        }
    }
#endif
}
