using System.Text;

namespace DeiT.Tuning.Training.Data;

/// <summary>
/// WebDataset shards: a folder of tar files (`shard-000000.tar`, …) whose members come in groups sharing a key
/// (`key.jpg` + `key.cls`, the class number as text). Reads the tar headers and the small .cls members once; the
/// images stay in the tars and are read per sample at their byte offset.
/// </summary>
public static class WebDatasetReader
{
    private static readonly string[] ImageExtensions = ["jpg", "jpeg", "png"];

    /// <summary>The set of every sample in the folder's *.tar files (ordinal order); shard i is the i-th tar.</summary>
    /// <param name="numClasses">class count when known (the training split's); null: one more than the largest label.</param>
    public static StreamingImageSet Open(string name, string folder, int size, int? numClasses = null)
    {
        if (!Directory.Exists(folder)) throw new DatasetFileException($"{folder}: folder not found (expected WebDataset shards {folder}/shard-000000.tar, …).");
        var tars = Directory.GetFiles(folder, "*.tar").Order(StringComparer.Ordinal).ToArray();
        if (tars.Length == 0) throw new DatasetFileException($"{folder}: no .tar shards (expected {folder}/shard-000000.tar holding key.jpg + key.cls members).");
        var files = new List<ImageFileRef>();
        var labels = new List<int>();
        var shards = new List<int>();
        for (int shard = 0; shard < tars.Length; shard++)
            foreach (var (image, label) in Samples(tars[shard]))
            {
                files.Add(image);
                labels.Add(label);
                shards.Add(shard);
            }
        if (files.Count == 0) throw new DatasetFileException($"{folder}: its shards hold no key.jpg|png + key.cls pairs.");
        int classes = numClasses ?? labels.Max() + 1;
        int outside = labels.FindIndex(l => l >= classes);
        if (outside >= 0) throw new DatasetFileException($"{files[outside].Path}: label {labels[outside]} is outside the training split's {classes} classes.");
        return new StreamingImageSet(name, files.ToArray(), labels.ToArray(), Enumerable.Range(0, classes).Select(i => i.ToString()).ToArray(), size,
            shards: shards.ToArray());
    }

    /// <summary>Each key's image member and label, in the tar's order.</summary>
    private static IEnumerable<(ImageFileRef Image, int Label)> Samples(string tar)
    {
        var images = new Dictionary<string, ImageFileRef>(StringComparer.Ordinal);
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new List<string>();
        using (var stream = File.OpenRead(tar))
            foreach (var (member, offset, length) in TarMembers.Read(stream, tar))
            {
                var file = Path.GetFileName(member);
                int dot = file.IndexOf('.');
                if (dot <= 0) continue;
                var key = member[..(member.Length - file.Length + dot)];
                var extension = file[(dot + 1)..].ToLowerInvariant();
                if (ImageExtensions.Contains(extension)) images[key] = new ImageFileRef(tar, offset, length);
                else if (extension == "cls") labels[key] = ReadLabel(stream, tar, member, offset, length);
                else continue;
                if (!keys.Contains(key)) keys.Add(key);
            }
        foreach (var key in keys)
        {
            if (!images.TryGetValue(key, out var image)) throw new DatasetFileException($"{tar}: sample '{key}' has a .cls but no .jpg/.jpeg/.png member.");
            if (!labels.TryGetValue(key, out int label)) throw new DatasetFileException($"{tar}: sample '{key}' has an image but no .cls member (its class number).");
            yield return (image, label);
        }
    }

    private static int ReadLabel(Stream stream, string tar, string member, long offset, long length)
    {
        if (length > 64) throw new DatasetFileException($"{tar}: {member} holds {length} bytes; a .cls member holds one class number.");
        long resume = stream.Position;
        var bytes = new byte[length];
        stream.Position = offset;
        stream.ReadExactly(bytes);
        stream.Position = resume;
        var text = Encoding.UTF8.GetString(bytes).Trim();
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int label))
            throw new DatasetFileException($"{tar}: {member} holds '{text}', not a non-negative class number.");
        return label;
    }
}
