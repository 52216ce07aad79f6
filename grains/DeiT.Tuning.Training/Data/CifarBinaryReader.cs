namespace DeiT.Tuning.Training.Data;

/// <summary>Reads the CIFAR-10/100 binary version: per record the label byte(s), then 3×32×32 uint8 CHW pixels.</summary>
public static class CifarBinaryReader
{
    public const int ImageBytes = 3 * 32 * 32;

    /// <param name="labelBytes">1 for CIFAR-10; 2 for CIFAR-100 (coarse, fine).</param>
    /// <param name="labelOffset">which of the label bytes is the class (CIFAR-100: 1, the fine label).</param>
    public static (byte[] Pixels, int[] Labels) Read(IReadOnlyList<string> files, int labelBytes, int labelOffset, int numClasses)
    {
        using var pixels = new MemoryStream();
        var labels = new List<int>();
        int record = labelBytes + ImageBytes;
        foreach (var path in files)
        {
            if (!File.Exists(path)) throw new DatasetFileException($"{path}: file not found.");
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length == 0 || bytes.Length % record != 0)
                throw new DatasetFileException(
                    $"{Path.GetFileName(path)}: expected a whole number of {record}-byte CIFAR records ({labelBytes} label byte(s) + 3072 pixels), found {bytes.Length} bytes.");
            for (int offset = 0; offset < bytes.Length; offset += record)
            {
                int label = bytes[offset + labelOffset];
                if (label >= numClasses)
                    throw new DatasetFileException(
                        $"{Path.GetFileName(path)}: record {offset / record} has label {label}, expected 0..{numClasses - 1}.");
                labels.Add(label);
                pixels.Write(bytes, offset + labelBytes, ImageBytes);
            }
        }
        return (pixels.ToArray(), labels.ToArray());
    }
}
