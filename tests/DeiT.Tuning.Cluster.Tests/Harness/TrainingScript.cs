using System.Globalization;

namespace DeiT.Tuning.Cluster.Tests.Harness;

/// <summary>
/// The external training command of the cluster tests: argv = x, epochs, seconds per epoch, checkpoint folder.
/// It resumes after the epoch in its checkpoint file (logging "resume E PID"), logs "start E PID" before and "done E PID" after each epoch
/// (runs.log in the checkpoint folder: the test counts redone epochs from it), reports "epoch=E top1=..." and then
/// writes the checkpoint. A copy whose silo was killed loses its stdout and dies on its next report, before
/// checkpointing.
/// </summary>
public static class TrainingScript
{
    private const string Text = """
        x=$1; epochs=$2; pause=$3; dir=$4
        e=1
        if [ -f "$dir/checkpoint" ]; then e=$(( $(cat "$dir/checkpoint") + 1 )); fi
        echo "resume $((e - 1)) $$" >> "$dir/runs.log"
        while [ $e -le $epochs ]; do
          echo "start $e $$" >> "$dir/runs.log"
          sleep $pause
          echo "epoch=$e top1=$(awk -v x="$x" -v e="$e" -v n="$epochs" 'BEGIN { printf "%.6f", x * e / n }') ips=10"
          echo $e > "$dir/checkpoint.tmp" && mv "$dir/checkpoint.tmp" "$dir/checkpoint"
          echo "done $e $$" >> "$dir/runs.log"
          e=$((e + 1))
        done
        """;

    public const string Space = """{"parameters": {"x": {"type": "float", "low": 0.0, "high": 1.0}}}""";

    public static IReadOnlyList<string> Command(string folder, double secondsPerEpoch)
    {
        var path = Path.Combine(folder, "train.sh");
        File.WriteAllText(path, Text);
        return ["/bin/sh", path, "{x}", "{epochs}", secondsPerEpoch.ToString(CultureInfo.InvariantCulture), "{checkpoint_dir}"];
    }

    public static Abstractions.Studies.StudySpec Spec(string name, string folder, int trials, int parallel, int epochs, double secondsPerEpoch) => new()
    {
        Name = name,
        Space = Space,
        Sampler = "random",
        Trials = trials,
        Parallel = parallel,
        Seed = 11,
        HeartbeatTimeout = TimeSpan.FromSeconds(10),
        Runner = new Abstractions.Studies.TrialRunnerSpec
        {
            Kind = Abstractions.Studies.RunnerKind.Command,
            Epochs = epochs,
            Command = Command(folder, secondsPerEpoch),
        },
    };
}
