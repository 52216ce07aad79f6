using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace DeiT.Tuning.Training.Data;

/// <summary>
/// Reads a torchvision-style ImageFolder: one subfolder per class (sorted ordinally), JPEG/PNG files inside, each image
/// scaled to cover size×size and center-cropped, stored as RGB CHW.
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
    public static (byte[] Pixels, int[] Labels) Read(string folder, IReadOnlyList<string> classNames, int size)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), "ImageFolder image size must be positive.");
        var index = classNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var files = new List<(string Path, int Label)>();
        foreach (var dir in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            if (!index.TryGetValue(name, out int label))
                throw new DatasetFileException($"{dir}: class '{name}' is not among the training classes ({string.Join(", ", classNames)}).");
            files.AddRange(Directory.GetFiles(dir)
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).Select(f => (f, label)));
        }
        if (files.Count == 0) throw new DatasetFileException($"{folder}: no .jpg/.jpeg/.png images in its class subfolders.");

        int imageBytes = 3 * size * size;
        if ((long)files.Count * imageBytes > Array.MaxLength)
            throw new InvalidOperationException(
                $"{folder}: {files.Count} images of 3×{size}×{size} exceed the 2 GB an in-memory dataset can hold; use a smaller image size or fewer images.");
        var pixels = new byte[(long)files.Count * imageBytes];
        var labels = new int[files.Count];
        try
        {
            Parallel.For(0, files.Count, i =>
            {
                LoadInto(files[i].Path, size, pixels.AsSpan(i * imageBytes, imageBytes));
                labels[i] = files[i].Label;
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is DatasetFileException) is { } first)
        {
            throw first;
        }
        return (pixels, labels);
    }

    private static void LoadInto(string path, int size, Span<byte> chw)
    {
        Image<Rgb24> image;
        try { image = Image.Load<Rgb24>(path); }
        catch (UnknownImageFormatException e)
        {
            throw new DatasetFileException($"{path}: not a readable JPEG/PNG image (unknown format).", e);
        }
        catch (Exception e) when (e is InvalidImageContentException or NotSupportedException)
        {
            throw new DatasetFileException($"{path}: not a readable JPEG/PNG image ({e.Message}).", e);
        }
        using (image)
        {
            image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(size, size), Mode = ResizeMode.Crop }));
            int plane = size * size;
            var buffer = new byte[3 * plane];
            image.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < size; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (int x = 0; x < size; x++)
                    {
                        int at = y * size + x;
                        buffer[at] = row[x].R;
                        buffer[plane + at] = row[x].G;
                        buffer[2 * plane + at] = row[x].B;
                    }
                }
            });
            buffer.CopyTo(chw);
        }
    }
}
