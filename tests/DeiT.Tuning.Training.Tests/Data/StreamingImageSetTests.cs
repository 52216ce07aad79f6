using System.Formats.Tar;
using DeiT.Tuning.Training.Augment;
using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Training.Tests.Data;

/// <summary>Image files decoded per sample: ImageFolder and WebDataset shards through the loader, with timm's crops on the originals.</summary>
public class StreamingImageSetTests
{
    private static readonly string Fixtures = Path.Combine(DataTestFiles.RepoRoot, "tests", "DeiT.Tuning.Training.Tests", "Augment", "CropFixtures");
    private static readonly string[] Sources = ["a.jpg", "b.jpg", "c.png"];

    /// <summary>root/train: 4 shards of 5 samples (key.jpg|png + key.cls), root/val: 1 shard of 3.</summary>
    private static string WriteShards()
    {
        var root = DataTestFiles.TempFolder();
        int sample = 0;
        foreach (var (split, shards, perShard) in new[] { ("train", 4, 5), ("val", 1, 3) })
        {
            Directory.CreateDirectory(Path.Combine(root, split));
            for (int s = 0; s < shards; s++)
            {
                using var tar = new TarWriter(File.Create(Path.Combine(root, split, $"shard-{s:D6}.tar")));
                for (int i = 0; i < perShard; i++, sample++)
                {
                    var image = Sources[sample % Sources.Length];
                    var key = $"sample{sample:D5}";
                    tar.WriteEntry(Path.Combine(Fixtures, image), $"{key}.{Path.GetExtension(image)[1..]}");
                    var label = new PaxTarEntry(TarEntryType.RegularFile, $"{key}.cls") { DataStream = new MemoryStream("0123"u8[(sample % 4)..(sample % 4 + 1)].ToArray()) };
                    tar.WriteEntry(label);
                }
            }
        }
        return root;
    }

    private static List<(float[] Images, int[] Indices)> Collect(BatchLoader loader, int epoch) =>
        loader.Epoch(epoch).Select(b => { using (b) return (b.Images.ToArray(), b.Indices[..b.Count]); }).ToList();

    [Fact]
    public void WebDataset_shards_list_every_sample_with_its_label_and_point_at_its_bytes()
    {
        var root = WriteShards();
        try
        {
            var splits = DatasetCatalog.Load(new DatasetSpec { Kind = "webdataset", Root = root, ValidationFraction = 0 }, 32);
            var train = Assert.IsType<StreamingImageSet>(splits.Train);
            Assert.Equal((20, 3, 4), (train.Count, splits.Test.Count, train.NumClasses));
            Assert.Equal(Enumerable.Range(0, 20).Select(i => i % 4), train.Labels);
            for (int i = 0; i < 3; i++)   // the member's bytes decode to the source file's pixels
            {
                using var fromTar = train.Decode(i);
                using var fromFile = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(Fixtures, Sources[i])), Sources[i]);
                Assert.Equal(fromFile.Pixels.ToArray(), fromTar.Pixels.ToArray());
            }
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void WebDataset_epochs_shuffle_shards_then_samples_within_each_by_seed_and_epoch()
    {
        var root = WriteShards();
        try
        {
            var train = DatasetCatalog.Load(new DatasetSpec { Kind = "webdataset", Root = root, ValidationFraction = 0 }, 32).Train;
            var order = train.ShuffledOrder(3, 0)!;
            Assert.Equal(Enumerable.Range(0, 20), order.Order());
            // Each run of five holds one shard's samples (indices 5s..5s+4), so a worker reads one tar at a time.
            Assert.All(order.Chunk(5), shard => Assert.Single(shard.Select(i => i / 5).Distinct()));
            Assert.Equal(order, train.ShuffledOrder(3, 0));
            Assert.NotEqual(order, train.ShuffledOrder(3, 1));
            Assert.NotEqual(order, train.ShuffledOrder(4, 0));
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void Streamed_batches_are_a_pure_function_of_seed_epoch_and_position()
    {
        var root = WriteShards();
        try
        {
            var train = DatasetCatalog.Load(new DatasetSpec { Kind = "webdataset", Root = root, ValidationFraction = 0 }, 72).Train;   // above the small-image (pad-crop) path
            var transform = TrainTransforms.ForRecipe(new DeitRecipe(), train);
            Assert.StartsWith("RandomResizedCrop(scale 0.08–1, bicubic, original)", transform.StepNames[0]);
            BatchLoaderOptions Options(int workers) => new() { BatchSize = 6, Shuffle = true, Seed = 9, Workers = workers, Transform = transform };
            using var one = new BatchLoader(train, Options(1));
            using var three = new BatchLoader(train, Options(3));
            var a = Collect(one, epoch: 1);
            var b = Collect(three, epoch: 1);
            Assert.Equal(a.Select(x => x.Indices), b.Select(x => x.Indices));
            Assert.Equal(a.Select(x => x.Images), b.Select(x => x.Images));
            Assert.Equal(train.ShuffledOrder(9, 1)!, a.SelectMany(x => x.Indices));
            // Resuming at batch 2 of the epoch (a new loader, as after a restart) gives the same batch 2.
            using var resumed = new BatchLoader(train, Options(2));
            Assert.Equal(a[2].Images, resumed.Epoch(1).Skip(2).Select(x => { using (x) return x.Images[..(6 * 3 * 72 * 72)].ToArray(); }).First());
            Assert.NotEqual(a[0].Images, Collect(one, epoch: 2)[0].Images);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void Training_crop_of_an_original_is_torchvision_s_box_resized_bicubic()
    {
        using var original = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(Fixtures, "a.jpg")), "a.jpg");
        var crop = new RandomResizedCropOfOriginal();
        var (top, left, height, width) = new RandomResizedCrop().SampleWindow(original.Height, original.Width, new Random(5));
        Assert.InRange(height * width, 0.08 * 0.9 * original.Height * original.Width, original.Height * original.Width);
        var viaCrop = new byte[3 * 32 * 32];
        crop.Apply(original, viaCrop, 32, new Random(5));
        var direct = new byte[3 * 32 * 32];
        PilResize.Bicubic(original, top, left, height, width, direct, 32, 32);
        Assert.Equal(direct, viaCrop);
    }

    [Fact]
    public void A_shard_member_without_its_label_is_named_in_the_error()
    {
        var root = DataTestFiles.TempFolder();
        try
        {
            foreach (var split in new[] { "train", "val" })
            {
                Directory.CreateDirectory(Path.Combine(root, split));
                using var tar = new TarWriter(File.Create(Path.Combine(root, split, "shard-000000.tar")));
                tar.WriteEntry(Path.Combine(Fixtures, "a.jpg"), "lonely.jpg");
            }
            var e = Assert.Throws<DatasetFileException>(() => DatasetCatalog.Load(new DatasetSpec { Kind = "webdataset", Root = root }, 32));
            Assert.Contains("sample 'lonely' has an image but no .cls member", e.Message);
        }
        finally { Directory.Delete(root, true); }
    }
}
