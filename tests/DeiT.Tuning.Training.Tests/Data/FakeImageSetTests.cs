using DeiT.Tuning.Training.Augment;
using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;

namespace DeiT.Tuning.Training.Tests.Data;

/// <summary>The fake dataset (torchvision's FakeData for the DeiT pipeline): every image and label a pure function of
/// (seed, image number), full-size originals cropped by the same train transform as an ImageFolder's.</summary>
public class FakeImageSetTests
{
    private static DatasetSplits Load(int? trainLimit = null) =>
        DatasetCatalog.Load(new DatasetSpec { Kind = "fake", Root = "", ValidationFraction = 0.1, TrainLimit = trainLimit, ValidationLimit = 50, TestLimit = 20 });

    [Fact]
    public void The_catalog_serves_imagenet_sized_splits_without_files()
    {
        Assert.False(DatasetCatalog.ReadsFiles("fake"));
        var splits = Load();
        Assert.Equal((45_000, 50, 20), (splits.Train.Count, splits.Validation.Count, splits.Test.Count));
        Assert.Equal(DatasetCatalog.FakeClasses, splits.Train.NumClasses);
        Assert.Equal((3, 224, 224), (splits.Train.Channels, splits.Train.Height, splits.Train.Width));
        Assert.All(splits.Train.Labels.Take(2000), label => Assert.InRange(label, 0, DatasetCatalog.FakeClasses - 1));
        Assert.True(splits.Train.Labels.Take(2000).Distinct().Count() > 800, "labels spread over the classes");
    }

    [Fact]
    public void Images_and_labels_depend_on_the_image_number_only()
    {
        var set = new FakeImageSet("fake", 10, classes: 7, size: 32, seed: 3);
        var subset = set.Subset([7, 2]);
        using (var a = set.Original(7))
        using (var b = ((FakeImageSet)subset).Original(0))
        using (var c = set.Original(2))
        {
            Assert.Equal((FakeImageSet.OriginalWidth, FakeImageSet.OriginalHeight), (a.Width, a.Height));
            Assert.True(a.Pixels.SequenceEqual(b.Pixels));
            Assert.False(a.Pixels.SequenceEqual(c.Pixels));
            var mean = a.Pixels.ToArray().Average(p => (double)p);
            Assert.InRange(mean, 120, 135);   // uniform bytes
        }
        Assert.Equal([set.Labels[7], set.Labels[2]], subset.Labels);
        using var other = new FakeImageSet("fake", 10, classes: 7, size: 32, seed: 4).Original(7);
        using var again = set.Original(7);
        Assert.False(again.Pixels.SequenceEqual(other.Pixels));
    }

    [Fact]
    public void Training_crops_the_original_as_for_an_image_folder_and_batches_repeat()
    {
        var train = Load(trainLimit: 24).Train;
        var transform = TrainTransforms.ForRecipe(new DeitRecipe(), train);
        Assert.StartsWith("RandomResizedCrop(scale 0.08–1, bicubic, original)", transform.StepNames[0]);
        BatchLoaderOptions Options(int workers) => new() { BatchSize = 8, Shuffle = true, Seed = 2, Workers = workers, Transform = transform };
        using var one = new BatchLoader(train, Options(1));
        using var two = new BatchLoader(train, Options(2));
        float[] First(BatchLoader loader) => loader.Epoch(0).Select(b => { using (b) return b.Images[..(8 * 3 * 224 * 224)].ToArray(); }).First();
        var a = First(one);
        Assert.Equal(a, First(two));
        Assert.All(a, v => Assert.True(float.IsFinite(v)));
        var evaluation = new float[3 * 224 * 224];
        train.Render(0, evaluation, null, null);
        Assert.InRange(evaluation.Average(), -0.5f, 0.5f);   // ImageNet-normalized uniform noise is near zero on average
    }
}
