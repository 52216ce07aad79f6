using System.Buffers.Binary;
using System.IO.Compression;

namespace DeiT.Tuning.Training.Data;

/// <summary>Reads the IDX files of MNIST and Fashion-MNIST (gzip-compressed or raw): uint8 images and labels.</summary>
public static class IdxReader
{
    public const int ImagesMagic = 0x00000803;   // unsigned byte, 3 dimensions
    public const int LabelsMagic = 0x00000801;   // unsigned byte, 1 dimension

    /// <summary>Images as count × rows × cols bytes.</summary>
    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        var bytes = ReadAll(path);
        CheckMagic(path, bytes, ImagesMagic);
        RequireLength(path, bytes, 16, "a 16-byte image header");
        int count = ReadDimension(path, bytes, 4, "image count");
        int rows = ReadDimension(path, bytes, 8, "rows");
        int columns = ReadDimension(path, bytes, 12, "columns");
        long expected = 16L + (long)count * rows * columns;
        RequireLength(path, bytes, expected, $"{count} images of {rows}×{columns}");
        return (bytes.AsSpan(16, (int)(expected - 16)).ToArray(), count, rows, columns);
    }

    public static int[] ReadLabels(string path)
    {
        var bytes = ReadAll(path);
        CheckMagic(path, bytes, LabelsMagic);
        RequireLength(path, bytes, 8, "an 8-byte label header");
        int count = ReadDimension(path, bytes, 4, "label count");
        RequireLength(path, bytes, 8L + count, $"{count} labels");
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = bytes[8 + i];
        return labels;
    }

    /// <summary>Finds `name.gz` or `name` in the folder; null when neither exists.</summary>
    public static string? Find(string folder, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path)) throw new DatasetFileException($"{path}: file not found.");
        try
        {
            using var file = File.OpenRead(path);
            bool gzip = file.Length >= 2 && file.ReadByte() == 0x1F && file.ReadByte() == 0x8B;
            file.Position = 0;
            using Stream source = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var memory = new MemoryStream();
            source.CopyTo(memory);
            return memory.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFileException($"{Path.GetFileName(path)}: corrupt gzip data ({e.Message}); expected a gzip-compressed IDX file.", e);
        }
    }

    private static void CheckMagic(string path, byte[] bytes, int expected)
    {
        RequireLength(path, bytes, 4, $"IDX magic 0x{expected:X8}");
        int found = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (found != expected)
            throw new DatasetFileException(
                $"{Path.GetFileName(path)}: expected IDX magic 0x{expected:X8} ({(expected == ImagesMagic ? "uint8 images, 3 dimensions" : "uint8 labels, 1 dimension")}), found 0x{found:X8}.");
    }

    private static int ReadDimension(string path, byte[] bytes, int offset, string what)
    {
        int value = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset));
        if (value < 0) throw new DatasetFileException($"{Path.GetFileName(path)}: negative {what} {value} in the IDX header.");
        return value;
    }

    private static void RequireLength(string path, byte[] bytes, long length, string what)
    {
        if (bytes.LongLength < length)
            throw new DatasetFileException(
                $"{Path.GetFileName(path)}: truncated, expected {what} ({length} bytes) but the file holds {bytes.LongLength} bytes.");
    }
}
