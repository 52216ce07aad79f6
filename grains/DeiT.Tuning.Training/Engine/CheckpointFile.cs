using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Engine;

/// <summary>What a checkpoint records besides tensors. <see cref="Epoch"/> counts completed epochs (from 1);
/// <see cref="LossScaler"/> is the fp16 loss scaler's state (null in other precisions).</summary>
public sealed record CheckpointHeader(string JobFingerprint, string Job, int Epoch, IReadOnlyList<EpochReport> Reports,
    LossScalerState? LossScaler = null);

/// <summary>The live objects whose state a checkpoint captures and restores.</summary>
public sealed record TrainingState(nn.Module Model, OptimizerHelper Optimizer, nn.Module? Ema, DynamicLossScaler? LossScaler = null);

/// <summary>
/// One checkpoint file: "DEITCKPT", format version, header JSON, model, optimizer, EMA (TorchSharp's binary
/// formats), then the SHA-256 of everything before it, so a torn or corrupt file is recognized and skipped.
/// Written to a temporary file and renamed, so a reader never sees a partial checkpoint under the final name.
/// </summary>
internal static class CheckpointFile
{
    private static readonly byte[] Magic = "DEITCKPT"u8.ToArray();
    private const int FormatVersion = 1;
    private const int HashLength = 32;

    public static void Write(string path, CheckpointHeader header, TrainingState state)
    {
        var temp = $"{path}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                byte[] hash;
                using (var hashing = new HashingStream(file))
                {
                    using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
                    {
                        writer.Write(Magic);
                        writer.Write(FormatVersion);
                        writer.Write(JsonSerializer.Serialize(header, JobFingerprint.Json));
                        state.Model.save(writer);
                        state.Optimizer.save_state_dict(writer);
                        writer.Write(state.Ema is not null);
                        state.Ema?.save(writer);
                    }
                    hash = hashing.CurrentHash();
                }
                file.Write(hash);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>The header of a complete, uncorrupted checkpoint, or null with the reason it is not one.</summary>
    public static CheckpointHeader? TryReadHeader(string path, out string? problem)
    {
        try
        {
            using var file = File.OpenRead(path);
            if (!HashMatches(file))
            {
                problem = "checksum mismatch (torn or corrupt file)";
                return null;
            }
            file.Position = 0;
            using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
            var header = ReadHeader(reader, out problem);
            return header;
        }
        catch (Exception e) when (e is IOException or JsonException or EndOfStreamException)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>Loads the tensors of a checkpoint (already validated by <see cref="TryReadHeader"/>) into <paramref name="state"/>.</summary>
    public static void Restore(string path, TrainingState state)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        _ = ReadHeader(reader, out var problem) ?? throw new InvalidDataException($"Checkpoint '{path}': {problem}");
        state.Model.load(reader, strict: true);
        state.Optimizer.load_state_dict(reader);
        var hasEma = reader.ReadBoolean();
        if (hasEma != state.Ema is not null)
            throw new InvalidDataException(
                $"Checkpoint '{path}' {(hasEma ? "holds" : "lacks")} EMA weights but the run {(hasEma ? "has no" : "uses")} model EMA.");
        state.Ema?.load(reader, strict: true);
    }

    private static CheckpointHeader? ReadHeader(BinaryReader reader, out string? problem)
    {
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
        {
            problem = "not a DeiT.Tuning checkpoint (bad magic)";
            return null;
        }
        var version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            problem = $"checkpoint format version {version}, this build reads {FormatVersion}";
            return null;
        }
        problem = null;
        return JsonSerializer.Deserialize<CheckpointHeader>(reader.ReadString(), JobFingerprint.Json);
    }

    private static bool HashMatches(FileStream file)
    {
        if (file.Length < Magic.Length + HashLength) return false;
        var contentLength = file.Length - HashLength;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        for (long remaining = contentLength; remaining > 0;)
        {
            var read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (read == 0) return false;
            hash.AppendData(buffer, 0, read);
            remaining -= read;
        }
        var stored = new byte[HashLength];
        file.ReadExactly(stored);
        return hash.GetCurrentHash().AsSpan().SequenceEqual(stored);
    }
}
