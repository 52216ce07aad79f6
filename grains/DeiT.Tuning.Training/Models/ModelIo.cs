using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace DeiT.Tuning.Training.Models;

/// <summary>Model weights as safetensors under timm's parameter names. Loading checks every name and shape and
/// resizes pos_embed bicubically when the checkpoint's patch grid differs from the model's.</summary>
public static class ModelIo
{
    public static void Save(IImageClassifier model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        using var scope = NewDisposeScope();
        var state = model.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous());
        Safetensors.SaveStateDict(path, state);
    }

    public static void Load(IImageClassifier model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!File.Exists(path)) throw new FileNotFoundException($"model checkpoint '{path}' does not exist", path);
        using var scope = NewDisposeScope();   // owns the loaded tensors and any resized copy
        Dictionary<string, Tensor> loaded;
        try { loaded = Safetensors.LoadStateDict(path); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{path}' is not a readable safetensors file: {e.Message}", e);
        }
        var own = model.Module.state_dict();
        var missing = own.Keys.Except(loaded.Keys).ToList();
        var unexpected = loaded.Keys.Except(own.Keys).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException(
                $"'{path}' does not fit model '{model.PresetName}': missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}]");

        using var _ = no_grad();
        foreach (var (name, target) in own)
        {
            var source = loaded[name];
            if (name == "pos_embed" && model is VisionTransformer vit && !source.shape.SequenceEqual(target.shape))
                source = PositionEmbedding.Resize(source, vit.NumPrefixTokens, vit.GridSize, vit.GridSize);
            if (!source.shape.SequenceEqual(target.shape))
                throw new InvalidDataException(
                    $"'{path}': tensor '{name}' has shape [{string.Join(", ", source.shape)}], model '{model.PresetName}' expects [{string.Join(", ", target.shape)}]");
            target.copy_(source);
        }
    }
}
