using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace DeiT.Tuning.Grains.Tests;

/// <summary>Grain storage that passes every call on and records each write's state name and serialized size.</summary>
public sealed class CountingGrainStorage(IGrainStorage inner, Serializer serializer) : IGrainStorage
{
    private readonly ConcurrentQueue<(string Name, int Bytes)> _writes = new();
    private readonly ConcurrentQueue<string> _reads = new();

    public IGrainStorage Inner => inner;

    /// <summary>The writes and reads since the last call, in order.</summary>
    public (List<(string Name, int Bytes)> Writes, List<string> Reads) Take()
    {
        var writes = new List<(string, int)>();
        while (_writes.TryDequeue(out var w)) writes.Add(w);
        var reads = new List<string>();
        while (_reads.TryDequeue(out var r)) reads.Add(r);
        return (writes, reads);
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _reads.Enqueue(stateName);
        return inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await inner.WriteStateAsync(stateName, grainId, grainState);
        _writes.Enqueue((stateName, serializer.SerializeToArray(grainState.State).Length));
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}
