namespace DeiT.Tuning.Dashboard.Tests;

/// <summary>A benchmark that prints figures; it runs only when DEIT_DASHBOARD_BENCH=1 (it takes minutes).</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("DEIT_DASHBOARD_BENCH") != "1")
            Skip = "benchmark: run with DEIT_DASHBOARD_BENCH=1";
    }
}
