namespace DeiT.Tuning.Training.Tests.Engine;

/// <summary>
/// Training runs draw from torch's process-wide generator (weight init, drop path) and set its intra-op thread
/// count, so they run alone: another test seeding or drawing concurrently would make equal runs differ.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineCollection
{
    public const string Name = "engine (torch global state)";
}
