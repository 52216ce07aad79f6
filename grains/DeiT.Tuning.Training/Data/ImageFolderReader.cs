namespace DeiT.Tuning.Training.Data;

/// <summary>
/// A torchvision-style ImageFolder: one subfolder per class (sorted ordinally), JPEG/PNG files inside. Lists the
/// files only; images are decoded per sample by <see cref="StreamingImageSet"/>.
/// </summary>
public static class ImageFolderReader
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    public static IReadOnlyList<string> ClassNames(string folder)
    {
        if (!Directory.Exists(folder)) throw new DatasetFileException($"{folder}: folder not found (expected one subfolder per class).");
        var classes = Directory.GetDirectories(folder).Select(Path.GetFileName).OfType<string>()
            .Order(StringComparer.Ordinal).ToArray();
        if (classes.Length == 0) throw new DatasetFileException($"{folder}: no class subfolders (expected {folder}/<class>/<image>.jpg|png).");
        return classes;
    }

    /// <param name="classNames">the class order to label with (the training folder's, so test labels agree).</param>
    /// <param name="size">side length the set renders (the model's input size).</param>
    public static StreamingImageSet Open(string name, string folder, IReadOnlyList<string> classNames, int size)
    {
        var index = classNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var files = new List<ImageFileRef>();
        var labels = new List<int>();
        foreach (var dir in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var className = Path.GetFileName(dir);
            if (!index.TryGetValue(className, out int label))
                throw new DatasetFileException($"{dir}: class '{className}' is not among the training classes ({string.Join(", ", classNames)}).");
            foreach (var file in Directory.GetFiles(dir)
                         .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
            {
                files.Add(new ImageFileRef(file));
                labels.Add(label);
            }
        }
        if (files.Count == 0) throw new DatasetFileException($"{folder}: no .jpg/.jpeg/.png images in its class subfolders.");
        return new StreamingImageSet(name, files.ToArray(), labels.ToArray(), classNames, size);
    }
}
