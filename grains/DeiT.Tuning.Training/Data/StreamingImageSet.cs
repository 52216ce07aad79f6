using System.Buffers;
using DeiT.Tuning.Training.Augment;

namespace DeiT.Tuning.Training.Data;

/// <summary>Where one encoded image lives: a whole file, or <paramref name="Length"/> bytes at <paramref name="Offset"/> (a tar member).</summary>
public readonly record struct ImageFileRef(string Path, long Offset = 0, long Length = -1);

/// <summary>
/// Image files decoded per sample, on the loader's workers: only the file list and labels stay in memory, so memory
/// is flat in the dataset's size. Renders RGB at size×size: the training transform's crop of the original, or the
/// evaluation view (<see cref="EvalCrop"/>, timm's resize + center crop) when there is no transform.
/// </summary>
public sealed class StreamingImageSet : IOriginalImageSet
{
    private readonly ImageFileRef[] _files;
    private readonly int[] _labels;
    private readonly int[]? _shards;

    /// <param name="shards">per image, the shard (tar file) holding it; null when images are separate files.</param>
    public StreamingImageSet(string name, ImageFileRef[] files, int[] labels, IReadOnlyList<string> classNames, int size,
        IOriginalCrop? evalCrop = null, int[]? shards = null)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), $"{name}: image size must be positive, got {size}.");
        if (files.Length != labels.Length || (shards is not null && shards.Length != files.Length))
            throw new ArgumentException($"{name}: {files.Length} files, {labels.Length} labels{(shards is null ? "" : $", {shards.Length} shard numbers")}: one each per image.");
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"{name}: label {labels[i]} of {files[i].Path} is outside the {classNames.Count} classes.");
        Name = name;
        _files = files;
        _labels = labels;
        _shards = shards;
        ClassNames = classNames;
        Height = Width = size;
        EvalCrop = evalCrop ?? new ResizeCenterCrop();
    }

    public string Name { get; }
    public int Count => _labels.Length;
    public int Channels => 3;
    public int Height { get; }
    public int Width { get; }
    public IReadOnlyList<int> Labels => _labels;
    public IReadOnlyList<string> ClassNames { get; }
    public int NumClasses => ClassNames.Count;
    public Normalization Normalization => Normalization.ImageNet;
    public IOriginalCrop EvalCrop { get; }

    public DecodedImage Decode(int index)
    {
        var file = _files[index];
        byte[]? encoded = null;
        try
        {
            int length = Read(file, ref encoded);
            return ImageDecoder.Decode(encoded.AsSpan(0, length), Describe(file));
        }
        finally
        {
            if (encoded is not null) ArrayPool<byte>.Shared.Return(encoded);
        }
    }

    public void Render(int index, Span<float> output, IImageTransform? transform, Random? rng)
    {
        using var original = Decode(index);
        OriginalImage.Render(this, original, output, transform, rng, EvalCrop);
    }

    public IImageSet Subset(IReadOnlyList<int> indices)
    {
        foreach (int i in indices)
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), $"{Name}: index {i} is outside 0..{Count - 1}.");
        return new StreamingImageSet(Name, indices.Select(i => _files[i]).ToArray(), indices.Select(i => _labels[i]).ToArray(),
            ClassNames, Height, EvalCrop, _shards is null ? null : indices.Select(i => _shards[i]).ToArray());
    }

    /// <summary>
    /// Sharded sets (WebDataset tars): the shards in a shuffled order, each shard's images shuffled within it, both
    /// from (seed, epoch) alone, so a worker reads one shard at a time and resuming at position p of epoch e finds the
    /// same images. Separate files: null (the loader's uniform shuffle).
    /// </summary>
    public int[]? ShuffledOrder(int seed, int epoch)
    {
        if (_shards is null) return null;
        var byShard = Enumerable.Range(0, Count).GroupBy(i => _shards[i]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        SeedMix.Shuffle(SeedMix.Random(seed, epoch, ShardOrderStream), byShard.AsSpan());
        var order = new int[Count];
        int at = 0;
        foreach (var shard in byShard)
        {
            SeedMix.Shuffle(SeedMix.Random(seed, epoch, ShardOrderStream, _shards[shard[0]]), shard.AsSpan());
            shard.CopyTo(order, at);
            at += shard.Length;
        }
        return order;
    }

    private const long ShardOrderStream = 0x5A4D;

    private static string Describe(ImageFileRef file) => file.Length < 0 ? file.Path : $"{file.Path} (member at byte {file.Offset})";

    /// <summary>The encoded bytes into a pooled buffer; returns their count.</summary>
    private static int Read(ImageFileRef file, ref byte[]? buffer)
    {
        try
        {
            using var handle = File.OpenHandle(file.Path);
            long length = file.Length >= 0 ? file.Length : RandomAccess.GetLength(handle);
            if (length > Array.MaxLength) throw new DatasetFileException($"{Describe(file)}: {length} bytes is too large for one image.");
            buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
            int read = 0;
            while (read < length)
            {
                int n = RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), file.Offset + read);
                if (n == 0) throw new DatasetFileException($"{Describe(file)}: file ends after {read} of {length} bytes.");
                read += n;
            }
            return read;
        }
        catch (Exception e) when (e is (IOException or UnauthorizedAccessException) and not DatasetFileException)
        {
            throw new DatasetFileException($"{Describe(file)}: cannot read it ({e.Message}).", e);
        }
    }
}
