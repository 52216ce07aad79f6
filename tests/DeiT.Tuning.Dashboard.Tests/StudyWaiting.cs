using DeiT.Tuning.Abstractions.Studies;

namespace DeiT.Tuning.Dashboard.Tests;

public static class StudyWaiting
{
    /// <summary>Polls until the study is finished or stopped (a generous cap, not a timing assertion).</summary>
    public static async Task<StudySnapshot> UntilSettled(IStudyGrain study, TimeSpan? cap = null)
    {
        var deadline = DateTime.UtcNow + (cap ?? TimeSpan.FromMinutes(3));
        while (DateTime.UtcNow < deadline)
        {
            var snapshot = await study.GetSnapshot() ?? throw new InvalidOperationException("the study vanished");
            if (snapshot.State is StudyState.Finished or StudyState.Stopped) return snapshot;
            await Task.Delay(100);
        }
        throw new TimeoutException("the study did not settle");
    }
}
