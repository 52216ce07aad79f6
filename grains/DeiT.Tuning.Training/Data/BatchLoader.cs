using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace DeiT.Tuning.Training.Data;

/// <summary>
/// Prepares batches on background threads into bounded queues so the training step never waits for augmentation.
/// Every draw is a pure function of (seed, epoch, position in the epoch): the epoch order from (seed, epoch), each
/// image's transform from (seed, epoch, position). Worker w prepares batches w, w+W, w+2W, … into its own bounded
/// queue and the consumer takes batch b from queue b mod W, so batches come in order and do not depend on W.
/// </summary>
public sealed class BatchLoader : IDisposable
{
    private const long OrderStream = 0x0D3E;
    private const long SampleStream = 0xA06;

    private readonly IImageSet _data;
    private readonly BatchLoaderOptions _options;
    private readonly ConcurrentBag<Batch> _pool = new();
    private readonly ConcurrentDictionary<EpochRun, byte> _runs = new();
    private volatile bool _disposed;

    public BatchLoader(IImageSet data, BatchLoaderOptions options)
    {
        if (options.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), $"BatchSize must be positive, got {options.BatchSize}.");
        if (options.Workers <= 0) throw new ArgumentOutOfRangeException(nameof(options), $"Workers must be positive, got {options.Workers}.");
        if (options.QueueCapacity <= 0) throw new ArgumentOutOfRangeException(nameof(options), $"QueueCapacity must be positive, got {options.QueueCapacity}.");
        if (options.RepeatedAugmentation <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"RepeatedAugmentation must be at least 1, got {options.RepeatedAugmentation}.");
        _data = data;
        _options = options;
        BatchesPerEpoch = options.DropLast ? data.Count / options.BatchSize : (data.Count + options.BatchSize - 1) / options.BatchSize;
    }

    public int BatchesPerEpoch { get; }
    public IImageSet Data => _data;
    public BatchLoaderOptions Options => _options;

    /// <summary>The dataset indices of the epoch in order (timm RASampler layout when repeats &gt; 1).</summary>
    public int[] EpochOrder(int epoch)
    {
        int n = _data.Count, repeats = _options.RepeatedAugmentation;
        var distinct = _options.Shuffle ? _data.ShuffledOrder(_options.Seed, epoch) : null;
        if (distinct is null)
        {
            distinct = Enumerable.Range(0, n).ToArray();
            if (_options.Shuffle) SeedMix.Shuffle(SeedMix.Random(_options.Seed, epoch, OrderStream), distinct.AsSpan());
        }
        if (repeats == 1) return distinct;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = distinct[i / repeats];
        return order;
    }

    /// <summary>The epoch's batches, in order, prepared in the background. Dispose each batch when done with it.</summary>
    public IEnumerable<Batch> Epoch(int epoch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Run(epoch);
    }

    private IEnumerable<Batch> Run(int epoch)
    {
        using var run = new EpochRun(this, epoch);
        _runs[run] = 0;
        if (_disposed) run.Cancel();   // the loader was disposed while this run was starting
        try
        {
            for (int b = 0; b < BatchesPerEpoch; b++) yield return run.Take(b);
        }
        finally
        {
            _runs.TryRemove(run, out _);
        }
    }

    /// <summary>Fills one batch: the images at positions [start, start+count) of the epoch order.</summary>
    private void Fill(Batch batch, int[] order, int epoch, int start)
    {
        var transform = _options.Transform;
        for (int i = 0; i < batch.Count; i++)
        {
            int position = start + i, index = order[position];
            _data.Render(index, batch.Pixels(i), transform, transform is null ? null : SeedMix.Random(_options.Seed, epoch, position, SampleStream));
            batch.Labels[i] = _data.Labels[index];
            batch.Indices[i] = index;
        }
    }

    private Batch RentBatch(int count)
    {
        if (count == _options.BatchSize && _pool.TryTake(out var pooled))
        {
            pooled.Rent();
            return pooled;
        }
        return new Batch(count, _data.Channels, _data.Height, _data.Width, _options.PinMemory, count == _options.BatchSize ? ReturnBatch : null);
    }

    private void ReturnBatch(Batch batch)
    {
        if (_disposed) batch.Free();
        else _pool.Add(batch);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var run in _runs.Keys) run.Cancel();
        while (_pool.TryTake(out var pooled)) pooled.Free();
    }

    private sealed class EpochRun : IDisposable
    {
        private readonly BatchLoader _loader;
        private readonly BlockingCollection<Batch>[] _queues;
        private readonly Thread[] _workers;
        private readonly CancellationTokenSource _cancel = new();
        private volatile ExceptionDispatchInfo? _failure;
        private int _disposed;

        public EpochRun(BatchLoader loader, int epoch)
        {
            _loader = loader;
            var options = loader._options;
            int workers = Math.Min(options.Workers, Math.Max(1, loader.BatchesPerEpoch));
            int perQueue = Math.Max(1, (options.QueueCapacity + workers - 1) / workers);
            var order = loader.EpochOrder(epoch);
            _queues = new BlockingCollection<Batch>[workers];
            _workers = new Thread[workers];
            for (int w = 0; w < workers; w++)
            {
                _queues[w] = new BlockingCollection<Batch>(new ConcurrentQueue<Batch>(), perQueue);
                int worker = w;
                _workers[w] = new Thread(() => Work(worker, order, epoch))
                {
                    IsBackground = true,
                    Name = $"BatchLoader worker {w}",
                };
                _workers[w].Start();
            }
        }

        private void Work(int worker, int[] order, int epoch)
        {
            var queue = _queues[worker];
            int batchSize = _loader._options.BatchSize, workers = _workers.Length;
            try
            {
                for (int b = worker; b < _loader.BatchesPerEpoch && !_cancel.IsCancellationRequested; b += workers)
                {
                    int start = b * batchSize;
                    var batch = _loader.RentBatch(Math.Min(batchSize, order.Length - start));
                    try
                    {
                        _loader.Fill(batch, order, epoch, start);
                        queue.Add(batch, _cancel.Token);
                    }
                    catch
                    {
                        batch.Dispose();
                        throw;
                    }
                }
            }
            catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                queue.CompleteAdding();
            }
        }

        public Batch Take(int batchIndex)
        {
            var queue = _queues[batchIndex % _queues.Length];
            if (queue.TryTake(out var batch, Timeout.Infinite, _cancel.Token)) return batch;
            _failure?.Throw();
            throw new InvalidOperationException($"Batch {batchIndex} was never prepared: its worker stopped early.");
        }

        /// <summary>Stops the workers; a consumer waiting in Take gets an OperationCanceledException.</summary>
        public void Cancel() => _cancel.Cancel();

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            _cancel.Cancel();
            foreach (var worker in _workers) worker.Join();
            foreach (var queue in _queues)
            {
                while (queue.TryTake(out var left)) left.Dispose();
                queue.Dispose();
            }
            _cancel.Dispose();
        }
    }
}
