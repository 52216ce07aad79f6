using DeiT.Tuning.Abstractions.Trials;
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace DeiT.Tuning.Grains.Placement;

/// <summary>Places a grain keyed by a silo endpoint ("ip:port") on the silo at that endpoint, of any generation.</summary>
[GenerateSerializer, Immutable, Alias("deit.SiloEndpointPlacement")]
public sealed class SiloEndpointPlacement : PlacementStrategy;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloEndpointPlacementAttribute() : PlacementAttribute(new SiloEndpointPlacement());

public sealed class SiloEndpointPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var endpoint = target.GrainIdentity.Key.ToString();
        var silo = context.GetCompatibleSilos(target).FirstOrDefault(s => ITrialFilesGrain.KeyOf(s.ToParsableString()) == endpoint);
        return silo is not null
            ? Task.FromResult(silo)
            : throw new SiloUnavailableException($"no silo at {endpoint} is in the cluster now (its host keeps the files it wrote)");
    }
}
