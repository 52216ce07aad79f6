using DeiT.Tuning.Training.Augment;
using DeiT.Tuning.Training.Data;
using DeiT.Tuning.Training.Engine;
using TorchSharp;

namespace DeiT.Tuning.Training.Tests.Data;

public class BatchLoaderTests
{
    /// <summary>The first 200 Fashion-MNIST training images: small enough for fast tests, real enough for the augmentations.</summary>
    private static readonly ImageDataset Small = DataTestFiles.FashionMnist.Train.Stored().Take(200);

    private static BatchLoaderOptions TrainOptions(int workers) => new()
    {
        BatchSize = 32, Shuffle = true, Seed = 11, Workers = workers, QueueCapacity = 3,
        Transform = TrainTransforms.ForRecipe(new DeitRecipe(), Small),
    };

    private static List<(float[] Images, long[] Labels, int[] Indices)> Collect(BatchLoader loader, int epoch)
    {
        var batches = new List<(float[], long[], int[])>();
        foreach (var batch in loader.Epoch(epoch))
            using (batch)
                batches.Add((batch.Images[..(batch.Count * 784)].ToArray(), batch.Labels[..batch.Count], batch.Indices[..batch.Count]));
        return batches;
    }

    [Fact]
    public void One_and_three_workers_give_identical_augmented_batches()
    {
        using var one = new BatchLoader(Small, TrainOptions(1));
        using var three = new BatchLoader(Small, TrainOptions(3));
        var a = Collect(one, epoch: 2);
        var b = Collect(three, epoch: 2);
        Assert.Equal(7, a.Count);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Labels, b[i].Labels);
            Assert.Equal(a[i].Indices, b[i].Indices);
            Assert.Equal(a[i].Images, b[i].Images);
        }
        // A second pass over the same epoch (buffers now reused from the pool) is the same again.
        var again = Collect(three, epoch: 2);
        Assert.All(Enumerable.Range(0, a.Count), i => Assert.Equal(a[i].Images, again[i].Images));
        // Another epoch differs in order and augmentation.
        var other = Collect(one, epoch: 3);
        Assert.NotEqual(a[0].Indices, other[0].Indices);
    }

    [Fact]
    public void Every_index_appears_once_per_epoch_and_labels_follow_the_images()
    {
        using var loader = new BatchLoader(Small, new BatchLoaderOptions { BatchSize = 64, Shuffle = true, Seed = 5, Workers = 2 });
        Assert.Equal(4, loader.BatchesPerEpoch);
        var batches = Collect(loader, epoch: 0);
        var indices = batches.SelectMany(b => b.Indices).ToArray();
        Assert.Equal(Enumerable.Range(0, 200), indices.Order());
        Assert.NotEqual(Enumerable.Range(0, 200), indices);   // shuffled
        Assert.Equal(new[] { 64, 64, 64, 8 }, batches.Select(b => b.Labels.Length));
        foreach (var (images, labels, ids) in batches)
            for (int i = 0; i < ids.Length; i++)
            {
                Assert.Equal(Small.Labels[ids[i]], labels[i]);
                // Without a transform the images are only normalized: (x/255 − 0.2860)/0.3530.
                float expected = (Small.Image(ids[i])[400] / 255f - 0.2860f) / 0.3530f;
                Assert.Equal(expected, images[i * 784 + 400], 5);
            }
    }

    [Fact]
    public void Drop_last_and_unshuffled_order()
    {
        using var loader = new BatchLoader(Small, new BatchLoaderOptions { BatchSize = 64, DropLast = true });
        Assert.Equal(3, loader.BatchesPerEpoch);
        var indices = Collect(loader, 0).SelectMany(b => b.Indices);
        Assert.Equal(Enumerable.Range(0, 192), indices);
    }

    [Fact]
    public void Repeated_augmentation_repeats_each_shuffled_index_in_a_row_with_different_augmentations()
    {
        var options = TrainOptions(2) with { RepeatedAugmentation = 3, BatchSize = 30 };
        using var loader = new BatchLoader(Small, options);
        var order = loader.EpochOrder(1);
        Assert.Equal(200, order.Length);
        for (int i = 0; i < 198; i += 3)
            Assert.True(order[i] == order[i + 1] && order[i] == order[i + 2]);
        Assert.Equal(67, order.Distinct().Count());   // ⌈200 / 3⌉ distinct images, the last repeated twice
        var first = Collect(loader, 1)[0];
        Assert.Equal(first.Indices[0], first.Indices[1]);
        Assert.NotEqual(first.Images[..784].ToArray(), first.Images[784..1568].ToArray());
    }

    [Fact]
    public void Breaking_out_of_an_epoch_stops_the_workers()
    {
        var counting = new CountingTransform();
        using var loader = new BatchLoader(Small, new BatchLoaderOptions { BatchSize = 4, Workers = 3, QueueCapacity = 3, Transform = counting });
        foreach (var batch in loader.Epoch(0))
        {
            batch.Dispose();
            break;
        }
        int afterBreak = counting.Calls;
        Thread.Sleep(100);
        Assert.Equal(afterBreak, counting.Calls);
        // Bounded: at most the consumed batch, the queued ones and one in progress per worker were prepared.
        Assert.InRange(afterBreak, 4, 4 * (1 + 3 + 3) + 4 * 3);
        Assert.True(afterBreak < Small.Count);
    }

    [Fact]
    public void Disposing_the_loader_mid_epoch_stops_workers_and_the_consumer()
    {
        var counting = new CountingTransform();
        var loader = new BatchLoader(Small, new BatchLoaderOptions { BatchSize = 4, Workers = 2, QueueCapacity = 2, Transform = counting });
        int seen = 0;
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (var batch in loader.Epoch(0))
            {
                batch.Dispose();
                if (++seen == 2) loader.Dispose();
            }
        });
        Assert.Equal(2, seen);
        int afterDispose = counting.Calls;
        Thread.Sleep(100);
        Assert.Equal(afterDispose, counting.Calls);
        Assert.Throws<ObjectDisposedException>(() => loader.Epoch(1));
    }

    [Fact]
    public void Worker_failures_surface_in_the_consumer()
    {
        using var loader = new BatchLoader(Small, new BatchLoaderOptions { BatchSize = 8, Workers = 2, Transform = new FailingTransform() });
        var e = Assert.Throws<InvalidOperationException>(() => loader.Epoch(0).ToList());
        Assert.Equal("transform failed", e.Message);
    }

    [Fact]
    public void Asking_for_pinned_memory_where_it_cannot_be_had_gives_the_same_batches_in_pageable_memory()
    {
        using var pageable = new BatchLoader(Small, TrainOptions(2));
        using var pinned = new BatchLoader(Small, TrainOptions(2) with { PinMemory = true });   // no CUDA on this build
        var a = Collect(pageable, epoch: 1);
        var b = Collect(pinned, epoch: 1);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i].Images, b[i].Images);
    }

    [Fact]
    public void Batch_tensors_have_the_batch_shape_and_are_copies()
    {
        using var loader = new BatchLoader(Small.Take(10), new BatchLoaderOptions { BatchSize = 4 });
        var last = loader.Epoch(0).Last();
        Assert.Equal(2, last.Count);
        using var images = last.ToImagesTensor(torch.CPU);
        using var labels = last.ToLabelsTensor(torch.CPU);
        Assert.Equal(new long[] { 2, 1, 28, 28 }, images.shape);
        Assert.Equal(new[] { (long)Small.Labels[8], Small.Labels[9] }, labels.data<long>().ToArray());
        float before = images[1, 0, 14, 14].item<float>();
        last.Images.Fill(123f);
        Assert.Equal(before, images[1, 0, 14, 14].item<float>());
        last.Dispose();
    }

    private sealed class CountingTransform : IImageTransform
    {
        private int _calls;
        public int Calls => Volatile.Read(ref _calls);

        public void Apply(ReadOnlySpan<byte> chw, Span<float> output, int c, int h, int w, Random rng)
        {
            Interlocked.Increment(ref _calls);
            Thread.Sleep(1);
        }
    }

    private sealed class FailingTransform : IImageTransform
    {
        public void Apply(ReadOnlySpan<byte> chw, Span<float> output, int c, int h, int w, Random rng) =>
            throw new InvalidOperationException("transform failed");
    }
}
