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

    /// <summary>A teacher for distillation: the preset built with <paramref name="options"/>, loaded from
    /// <paramref name="path"/>, in evaluation mode with gradients off.</summary>
    public static IImageClassifier LoadFrozen(string presetName, ModelOptions options, string path)
    {
        var model = ModelZoo.Create(presetName, options);
        try
        {
            Load(model, path);
        }
        catch
        {
            model.Module.Dispose();
            throw;
        }
        foreach (var p in model.Module.parameters()) p.requires_grad = false;
        model.Module.eval();
        return model;
    }

    public static void Load(IImageClassifier model, string path) => LoadInto(model, path, replaceHeads: false);

    /// <summary>
    /// Starts fine-tuning or transfer learning from <paramref name="path"/>: every tensor is loaded (pos_embed resized
    /// to the model's patch grid), except classifier heads whose class count differs, which keep their fresh
    /// initialization. Returns the names of the tensors left initialized.
    /// </summary>
    public static IReadOnlyList<string> LoadPretrained(IImageClassifier model, string path) => LoadInto(model, path, replaceHeads: true);

    private static bool IsHead(string name) => name.StartsWith("head.", StringComparison.Ordinal) || name.StartsWith("head_dist.", StringComparison.Ordinal);

    /// <summary>The first few names of a list (a whole model's worth helps nobody), and how many more.</summary>
    private static string Some(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(6)) + (names.Count > 6 ? $", … {names.Count - 6} more" : "");

    private static IReadOnlyList<string> LoadInto(IImageClassifier model, string path, bool replaceHeads)
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
        {
            var card = ModelCard.ReadBeside(path);
            throw new InvalidDataException($"'{path}' does not fit model '{model.PresetName}': missing [{Some(missing)}], unexpected [{Some(unexpected)}]" +
                (card is not null && card.Model != model.PresetName ? $"; its model card says '{card.Model}': give that model" : ""));
        }

        using var _ = no_grad();
        var replaced = new List<string>();
        foreach (var (name, target) in own)
        {
            var source = loaded[name];
            if (replaceHeads && IsHead(name) && !source.shape.SequenceEqual(target.shape))
            {
                replaced.Add(name);
                continue;
            }
            if (name == "pos_embed" && model is VisionTransformer vit && !source.shape.SequenceEqual(target.shape))
                source = PositionEmbedding.Resize(source, vit.NumPrefixTokens, vit.GridSize, vit.GridSize);
            if (!source.shape.SequenceEqual(target.shape))
                throw new InvalidDataException(
                    $"'{path}': tensor '{name}' has shape [{string.Join(", ", source.shape)}], model '{model.PresetName}' expects [{string.Join(", ", target.shape)}]");
            target.copy_(source);
        }
        return replaced;
    }
}
