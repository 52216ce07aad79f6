using DeiT.Tuning.Abstractions.Studies;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Studies;

/// <summary>What a study with planned trials does next.</summary>
public abstract record PlanStep
{
    /// <summary>Launch this planned trial (its teacher, if any, has completed).</summary>
    public sealed record Launch(PlannedTrialSpec Trial) : PlanStep;
    /// <summary>Record this planned trial as failed without running it: what it waits for failed.</summary>
    public sealed record Fail(PlannedTrialSpec Trial, string Reason) : PlanStep;
    /// <summary>Every planned trial not yet launched waits for a trial still running.</summary>
    public sealed record Wait : PlanStep;
    /// <summary>Every planned trial has a record: the sampler suggests the rest.</summary>
    public sealed record Sample : PlanStep;
}

/// <summary>Walks a study's plan (a DAG of teachers and the trials that wait for them) in plan order.</summary>
public static class PlanProgress
{
    public static PlanStep Next(IReadOnlyList<PlannedTrialSpec> plan, IReadOnlyList<TrialRecord> trials)
    {
        var recorded = trials.Where(t => t.PlanKey is not null).ToDictionary(t => t.PlanKey!);
        var waiting = false;
        foreach (var planned in plan.Where(p => !recorded.ContainsKey(p.Key)))
        {
            if (planned.Teacher is not { } teacherKey) return new PlanStep.Launch(planned);
            if (!recorded.TryGetValue(teacherKey, out var teacher) || !teacher.IsFinished)
            {
                waiting = true;
                continue;
            }
            return teacher.Status == TrialStatus.Completed
                ? new PlanStep.Launch(planned)
                : new PlanStep.Fail(planned, $"teacher {teacherKey} (trial {teacher.Number}) {teacher.Status.ToString().ToLowerInvariant()}: {teacher.Reason ?? "no reason recorded"}");
        }
        return waiting ? new PlanStep.Wait() : new PlanStep.Sample();
    }

    /// <summary>The plan's structure is sound: unique keys, and each teacher planned before the trials that wait for it.</summary>
    public static void Validate(IReadOnlyList<PlannedTrialSpec> plan)
    {
        var seen = new HashSet<string>();
        foreach (var planned in plan)
        {
            if (string.IsNullOrWhiteSpace(planned.Key)) throw new ArgumentException("a planned trial has no key");
            if (!seen.Add(planned.Key)) throw new ArgumentException($"planned trial '{planned.Key}' appears twice in the plan");
            if (planned.Epochs < 1) throw new ArgumentException($"planned trial '{planned.Key}': epochs must be at least 1 (got {planned.Epochs})");
            if (planned.Teacher is { } teacher && (teacher == planned.Key || !seen.Contains(teacher)))
                throw new ArgumentException($"planned trial '{planned.Key}' waits for '{teacher}', which is not planned before it");
            if (planned.Key.IndexOfAny(['/', '\\']) >= 0 || planned.Key is "." or "..")
                throw new ArgumentException($"planned trial key '{planned.Key}' cannot name a folder: use letters, digits, '-', '_' and '.'");
        }
    }
}
