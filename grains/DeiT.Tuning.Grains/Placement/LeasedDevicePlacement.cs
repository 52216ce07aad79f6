using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace DeiT.Tuning.Grains.Placement;

/// <summary>Places a trial grain on the silo that owns the device the study leased for it.</summary>
[GenerateSerializer, Immutable, Alias("deit.LeasedDevicePlacement")]
public sealed class LeasedDevicePlacement : PlacementStrategy
{
    /// <summary>RequestContext key holding the leased silo's parsable address for the activating call.</summary>
    public const string SiloKey = "deit.lease.silo";
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class LeasedDevicePlacementAttribute() : PlacementAttribute(new LeasedDevicePlacement());

/// <summary>
/// Reads the leased silo from the activating call's request context. Without a hint (or when that silo is gone)
/// it picks any compatible silo; the trial grain then refuses a lease that names another silo, and the study
/// leases again.
/// </summary>
public sealed class LeasedDevicePlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        if (target.RequestContextData is { } data && data.TryGetValue(LeasedDevicePlacement.SiloKey, out var hint) && hint is string text)
        {
            var wanted = SiloAddress.FromParsableString(text);
            if (compatible.Contains(wanted)) return Task.FromResult(wanted);
        }
        return Task.FromResult(compatible.Contains(context.LocalSilo) ? context.LocalSilo : compatible[Random.Shared.Next(compatible.Length)]);
    }
}
