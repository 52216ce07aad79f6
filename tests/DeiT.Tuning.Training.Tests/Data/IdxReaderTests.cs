using System.IO.Compression;
using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Training.Tests.Data;

public class IdxReaderTests
{
    [Fact]
    public void Real_fashion_mnist_has_its_known_shape_and_first_labels()
    {
        var data = DataTestFiles.FashionMnist;
        Assert.Equal(60000, data.Train.Count);
        Assert.Equal(10000, data.Test.Count);
        Assert.Empty(data.Validation.Labels);
        Assert.All(new[] { data.Train, data.Test }, d =>
        {
            Assert.Equal((1, 28, 28, 10), (d.Channels, d.Height, d.Width, d.NumClasses));
            Assert.Equal(d.Count * 784, d.Stored().Pixels.Length);
        });
        Assert.Equal(new[] { 9, 0, 0, 3, 0, 2 }, data.Train.Labels.Take(6));
        Assert.Equal(new[] { 9, 2, 1, 1, 6 }, data.Test.Labels.Take(5));
        Assert.Equal("Ankle boot", data.Train.ClassNames[9]);
        // Every class is present 6000 times in the training set.
        Assert.All(data.Train.Labels.GroupBy(l => l), g => Assert.Equal(6000, g.Count()));
        // The first training image (an ankle boot) has a blank top-left corner and ink in the middle.
        Assert.Equal(0, data.Train.Stored().Image(0)[0]);
        Assert.True(data.Train.Stored().Image(0).ToArray().Max() > 200);
    }

    [Fact]
    public void Reads_raw_files_like_gzip_ones()
    {
        var folder = DataTestFiles.TempFolder();
        try
        {
            var raw = Path.Combine(folder, "t10k-labels-idx1-ubyte");
            using (var gz = new GZipStream(File.OpenRead(Path.Combine(DataTestFiles.FashionMnistRoot, "t10k-labels-idx1-ubyte.gz")), CompressionMode.Decompress))
            using (var output = File.Create(raw))
                gz.CopyTo(output);
            Assert.Equal(DataTestFiles.FashionMnist.Test.Labels, IdxReader.ReadLabels(raw));
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void Wrong_magic_names_the_file_and_both_magics()
    {
        var folder = DataTestFiles.TempFolder();
        try
        {
            var path = Path.Combine(folder, "train-images-idx3-ubyte");
            File.WriteAllBytes(path, [0, 0, 8, 1, 0, 0, 0, 0]);
            var e = Assert.Throws<DatasetFileException>(() => IdxReader.ReadImages(path));
            Assert.Contains("train-images-idx3-ubyte: expected IDX magic 0x00000803", e.Message);
            Assert.Contains("found 0x00000801", e.Message);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void Truncated_images_are_reported()
    {
        var folder = DataTestFiles.TempFolder();
        try
        {
            var path = Path.Combine(folder, "imgs");
            // Header for 2 images of 2×2, but only 5 pixel bytes.
            File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5]);
            var e = Assert.Throws<DatasetFileException>(() => IdxReader.ReadImages(path));
            Assert.Contains("imgs: truncated, expected 2 images of 2×2", e.Message);

            File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4]);
            var (pixels, count, rows, columns) = IdxReader.ReadImages(path);
            Assert.Equal((1, 2, 2), (count, rows, columns));
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, pixels);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void Corrupt_gzip_is_reported()
    {
        var folder = DataTestFiles.TempFolder();
        try
        {
            var path = Path.Combine(folder, "train-labels-idx1-ubyte.gz");
            File.WriteAllBytes(path, [0x1F, 0x8B, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
            var e = Assert.Throws<DatasetFileException>(() => IdxReader.ReadLabels(path));
            Assert.Contains("train-labels-idx1-ubyte.gz: corrupt gzip data", e.Message);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void Missing_files_list_what_the_kind_needs_and_the_apt_package()
    {
        var folder = DataTestFiles.TempFolder();
        try
        {
            var e = Assert.Throws<DatasetFileException>(() => DatasetCatalog.Load(new DatasetSpec { Kind = "fashion-mnist", Root = folder }));
            Assert.Contains("train-images-idx3-ubyte", e.Message);
            Assert.Contains("t10k-labels-idx1-ubyte", e.Message);
            Assert.Contains("dataset-fashion-mnist", e.Message);
            Assert.Contains(folder, e.Message);
        }
        finally { Directory.Delete(folder, true); }
    }
}
