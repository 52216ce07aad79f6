namespace DeiT.Tuning.Dashboard.Tests;

/// <summary>Every test class shares one silo, dashboard and browser.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardCluster>
{
    public const string Name = "dashboard";
}
