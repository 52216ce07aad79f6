using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace DeiT.Tuning.Training.Tests.Data;

public class DatasetCatalogTests
{
    private static DatasetSplits LoadFashion(int seed, double fraction = 0.1) =>
        DatasetCatalog.Load(new DatasetSpec { Kind = "fashion-mnist", Root = DataTestFiles.FashionMnistRoot, ValidationFraction = fraction, SplitSeed = seed });

    [Fact]
    public void Validation_split_is_seeded_disjoint_and_complete()
    {
        var a = LoadFashion(seed: 7);
        var b = LoadFashion(seed: 7);
        var c = LoadFashion(seed: 8);
        Assert.Equal(54000, a.Train.Count);
        Assert.Equal(6000, a.Validation.Count);
        Assert.Equal(10000, a.Test.Count);
        Assert.True(a.Validation.Stored().Pixels.Span.SequenceEqual(b.Validation.Stored().Pixels.Span));
        Assert.Equal(a.Validation.Labels, b.Validation.Labels);
        Assert.False(a.Validation.Stored().Pixels.Span.SequenceEqual(c.Validation.Stored().Pixels.Span));

        // Train and validation together are the full training set: compare label histograms and total pixel sums.
        var full = DataTestFiles.FashionMnist.Train;
        var histogram = a.Train.Labels.Concat(a.Validation.Labels).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(histogram.Values, n => Assert.Equal(6000, n));
        long Sum(ImageDataset d) { long s = 0; foreach (byte v in d.Pixels.Span) s += v; return s; }
        Assert.Equal(Sum(full.Stored()), Sum(a.Train.Stored()) + Sum(a.Validation.Stored()));
        Assert.Equal(Normalization.FashionMnist, a.Train.Normalization);
    }

    [Fact]
    public void Limits_take_the_first_images_of_each_split()
    {
        var spec = new DatasetSpec { Kind = "fashion-mnist", Root = DataTestFiles.FashionMnistRoot, SplitSeed = 3, TrainLimit = 100, ValidationLimit = 20, TestLimit = 30 };
        var limited = DatasetCatalog.Load(spec);
        var unlimited = DatasetCatalog.Load(spec with { TrainLimit = null, ValidationLimit = null, TestLimit = null });
        Assert.Equal((100, 20, 30), (limited.Train.Count, limited.Validation.Count, limited.Test.Count));
        Assert.Equal(unlimited.Train.Labels.Take(100), limited.Train.Labels);
        Assert.Equal(unlimited.Test.Labels.Take(30), limited.Test.Labels);
        Assert.True(unlimited.Validation.Stored().Pixels.Span[..(20 * 784)].SequenceEqual(limited.Validation.Stored().Pixels.Span));
    }

    [Fact]
    public void Unknown_kind_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => DatasetCatalog.Load(new DatasetSpec { Kind = "svhn", Root = "/tmp" }));
        Assert.Contains("'svhn'", e.Message);
        Assert.Contains("fashion-mnist, mnist, cifar10, cifar100, imagefolder", e.Message);
        e = Assert.Throws<ArgumentException>(() => DatasetCatalog.Load(new DatasetSpec { Kind = "mnist", Root = "/tmp", TestLimit = -5 }));
        Assert.Contains("DatasetSpec.TestLimit must be non-negative", e.Message);
        e = Assert.Throws<ArgumentException>(() => DatasetCatalog.Load(new DatasetSpec { Kind = "mnist", Root = "/tmp", ValidationFraction = 1 }));
        Assert.Contains("DatasetSpec.ValidationFraction must be in [0, 1)", e.Message);
    }

    [Fact]
    public void Cifar10_binary_records_become_chw_images_with_labels()
    {
        var folder = DataTestFiles.TempFolder();
        try
        {
            var archive = Directory.CreateDirectory(Path.Combine(folder, "cifar-10-batches-bin")).FullName;
            for (int b = 1; b <= 5; b++) WriteCifar(Path.Combine(archive, $"data_batch_{b}.bin"), 1, 4, label: b);
            WriteCifar(Path.Combine(archive, "test_batch.bin"), 1, 3, label: 9);
            File.WriteAllLines(Path.Combine(archive, "batches.meta.txt"), ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck", ""]);
            var splits = DatasetCatalog.Load(new DatasetSpec { Kind = "cifar10", Root = folder, ValidationFraction = 0 });
            Assert.Equal((20, 3, 32, 32), (splits.Train.Count, splits.Train.Channels, splits.Train.Height, splits.Train.Width));
            Assert.Equal(new[] { 1, 1, 1, 1, 2 }, splits.Train.Labels.Take(5));
            Assert.Equal(3, splits.Test.Count);
            Assert.Equal("truck", splits.Test.ClassNames[splits.Test.Labels[0]]);
            // Record r of a file has pixel value (r + channel) at every position of that channel.
            var image = splits.Train.Stored().Image(2);
            Assert.Equal(2, image[0]);
            Assert.Equal(3, image[1024]);
            Assert.Equal(4, image[2048 + 1023]);
            Assert.Equal(Normalization.Cifar10, splits.Train.Normalization);

            File.WriteAllBytes(Path.Combine(archive, "test_batch.bin"), new byte[3000]);
            var e = Assert.Throws<DatasetFileException>(() => DatasetCatalog.Load(new DatasetSpec { Kind = "cifar10", Root = folder }));
            Assert.Contains("test_batch.bin: expected a whole number of 3073-byte CIFAR records", e.Message);

            File.Delete(Path.Combine(archive, "data_batch_3.bin"));
            e = Assert.Throws<DatasetFileException>(() => DatasetCatalog.Load(new DatasetSpec { Kind = "cifar10", Root = folder }));
            Assert.Contains("missing data_batch_3.bin", e.Message);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void Cifar100_uses_the_fine_label()
    {
        var folder = DataTestFiles.TempFolder();
        try
        {
            WriteCifar(Path.Combine(folder, "train.bin"), 2, 5, label: 42);
            WriteCifar(Path.Combine(folder, "test.bin"), 2, 2, label: 99);
            var splits = DatasetCatalog.Load(new DatasetSpec { Kind = "cifar100", Root = folder, ValidationFraction = 0.4, SplitSeed = 1 });
            Assert.Equal((3, 2, 2), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
            Assert.All(splits.Train.Labels, l => Assert.Equal(42, l));
            Assert.All(splits.Test.Labels, l => Assert.Equal(99, l));
            Assert.Equal(100, splits.Train.NumClasses);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void ImageFolder_lists_classes_per_subfolder_and_decodes_each_image_when_drawn()
    {
        var folder = DataTestFiles.TempFolder();
        try
        {
            WriteImage(Path.Combine(folder, "train", "cat", "a.png"), 40, 20, new Rgb24(200, 10, 10));
            WriteImage(Path.Combine(folder, "train", "cat", "b.jpg"), 16, 16, new Rgb24(200, 10, 10));
            WriteImage(Path.Combine(folder, "train", "dog", "c.png"), 8, 30, new Rgb24(10, 200, 10));
            WriteImage(Path.Combine(folder, "val", "dog", "d.png"), 12, 12, new Rgb24(10, 10, 200));
            var splits = DatasetCatalog.Load(new DatasetSpec { Kind = "imagefolder", Root = folder, ValidationFraction = 0 }, imageFolderSize: 8);
            Assert.IsType<StreamingImageSet>(splits.Train);
            Assert.Equal(new[] { "cat", "dog" }, splits.Train.ClassNames);
            Assert.Equal(new[] { 0, 0, 1 }, splits.Train.Labels);
            Assert.Equal(new[] { 1 }, splits.Test.Labels);
            Assert.Equal((3, 8, 8), (splits.Test.Channels, splits.Test.Height, splits.Test.Width));
            Assert.Equal(Normalization.ImageNet, splits.Train.Normalization);
            // The evaluation view of a one-colour image is that colour, normalized, at every pixel.
            var rendered = new float[3 * 64];
            splits.Test.Render(0, rendered, null, null);
            var expected = new float[3 * 64];
            Normalization.ImageNet.Apply([.. Enumerable.Repeat((byte)10, 128), .. Enumerable.Repeat((byte)200, 64)], expected, 3);
            Assert.Equal(expected, rendered);
            splits.Train.Render(1, rendered, null, null);   // the JPEG: lossy, so near its colour
            Assert.InRange(rendered[5] * 0.229f + 0.485f, 195 / 255f, 205 / 255f);

            File.WriteAllText(Path.Combine(folder, "val", "dog", "broken.png"), "not an image");
            var broken = DatasetCatalog.Load(new DatasetSpec { Kind = "imagefolder", Root = folder }, 8).Test;
            var e = Assert.Throws<DatasetFileException>(() => broken.Render(0, rendered, null, null));
            Assert.Contains("broken.png: not a readable JPEG/PNG image", e.Message);
        }
        finally { Directory.Delete(folder, true); }
    }

    private static void WriteCifar(string path, int labelBytes, int records, int label)
    {
        var bytes = new byte[records * (labelBytes + 3072)];
        for (int r = 0; r < records; r++)
        {
            int at = r * (labelBytes + 3072);
            bytes[at + labelBytes - 1] = (byte)(label + (labelBytes == 1 ? r / 4 : 0));
            if (labelBytes == 2) bytes[at] = 7;   // coarse label, ignored
            for (int c = 0; c < 3; c++) bytes.AsSpan(at + labelBytes + c * 1024, 1024).Fill((byte)(r + c));
        }
        File.WriteAllBytes(path, bytes);
    }

    private static void WriteImage(string path, int width, int height, Rgb24 color)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(width, height, color);
        image.Save(path);
    }
}
