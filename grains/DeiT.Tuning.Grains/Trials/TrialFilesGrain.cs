using DeiT.Tuning.Abstractions.Trials;
using DeiT.Tuning.Grains.Hosting;
using DeiT.Tuning.Grains.Placement;
using Microsoft.Extensions.Options;

namespace DeiT.Tuning.Grains.Trials;

/// <summary>Reads files under this silo's CheckpointRoot for clients elsewhere; a path that would leave the root is refused.</summary>
[SiloEndpointPlacement]
public sealed class TrialFilesGrain(IOptions<TuningSiloOptions> options) : Grain, ITrialFilesGrain
{
    public Task<IReadOnlyList<string>?> Tail(string relativePath, int lines) =>
        Task.FromResult(TextTail.Read(PathOf(relativePath), lines));

    public Task<FileChunk?> Read(string relativePath, long offset, int count) => FileChunk.ReadAsync(PathOf(relativePath), offset, count);

    private string PathOf(string relativePath) => CheckpointPaths.Inside(options.Value.CheckpointRoot, relativePath);
}
