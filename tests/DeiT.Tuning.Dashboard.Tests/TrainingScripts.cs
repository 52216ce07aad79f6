namespace DeiT.Tuning.Dashboard.Tests;

/// <summary>
/// External training commands for dashboard studies. The slow one prints "epoch=E top1=x·E/3 loss=1-top1" every
/// 0.4 s and appends "trial epoch unix-ms" to a log just before each report, so a test can tell when an epoch was
/// reported. Trial 2 fails at once with a hostile message on stderr. No trial reports before the gate file exists.
/// </summary>
public static class TrainingScripts
{
    public const string Hostile = "<img src=x onerror=\"window.__xss=1\">";
    public const string Space = """{"parameters": {"x": {"type": "float", "low": 0.0, "high": 1.0}, "opt": {"type": "categorical", "choices": ["adamw", "sgd"]}}}""";

    private const string Slow = """
        x=$1; epochs=$2; trial=$3; log=$4; gate=$6
        while [ ! -f "$gate" ]; do sleep 0.05; done
        if [ "$trial" = "2" ]; then echo "$5" >&2; exit 3; fi
        e=1
        while [ $e -le $epochs ]; do
          sleep 0.4
          top1=$(awk -v x="$x" -v e="$e" -v n="$epochs" 'BEGIN { printf "%.6f", x * e / n }')
          loss=$(awk -v t="$top1" 'BEGIN { printf "%.6f", 1 - t }')
          echo "$trial $e $(date +%s%3N)" >> "$log"
          echo "epoch=$e top1=$top1 loss=$loss ips=100"
          e=$((e + 1))
        done
        """;

    public static IReadOnlyList<string> SlowCommand(string folder, string log, string gate)
    {
        var path = Path.Combine(folder, "slow-train.sh");
        if (!File.Exists(path)) File.WriteAllText(path, Slow);
        return ["/bin/sh", path, "{x}", "{epochs}", "{trial}", log, Hostile, gate];
    }

    /// <summary>Reports its epochs at once: for studies of many trials.</summary>
    public static IReadOnlyList<string> QuickCommand() =>
        ["/bin/sh", "-c", "e=1; while [ $e -le $1 ]; do echo \"epoch=$e top1=$(awk -v x=$0 -v e=$e 'BEGIN{print x*e/5}')\"; e=$((e+1)); done", "{x}", "{epochs}"];
}
