namespace DeiT.Tuning.Grains.Tests;

/// <summary>
/// A small external training command: argv = x, epochs, trial number, checkpoint folder. It prints
/// "epoch=E top1=x·E/epochs loss=1-top1" each epoch and remembers its last epoch in the checkpoint folder (a
/// resumed run continues from there). Trial 1 reports NaN at epoch 2; trial 2 exits with code 3 after epoch 1.
/// </summary>
public static class FakeTrainingScript
{
    private const string Text = """
        x=$1; epochs=$2; trial=$3; dir=$4
        start=1
        if [ -f "$dir/last_epoch" ]; then start=$(( $(cat "$dir/last_epoch") + 1 )); fi
        e=$start
        while [ $e -le $epochs ]; do
          sleep 0.2
          if [ "$trial" = "1" ] && [ $e -ge 2 ]; then echo "epoch=$e top1=nan loss=nan"; exit 0; fi
          top1=$(awk -v x="$x" -v e="$e" -v n="$epochs" 'BEGIN { printf "%.6f", x * e / n }')
          loss=$(awk -v t="$top1" 'BEGIN { printf "%.6f", 1 - t }')
          echo "progress line that is not a report"
          echo "epoch=$e top1=$top1 loss=$loss ips=100"
          echo $e > "$dir/last_epoch"
          if [ "$trial" = "2" ]; then echo "simulated crash" >&2; exit 3; fi
          e=$((e + 1))
        done
        """;

    public static IReadOnlyList<string> Command(string folder)
    {
        var path = Path.Combine(folder, "fake-train.sh");
        if (!File.Exists(path)) File.WriteAllText(path, Text);
        return ["/bin/sh", path, "{x}", "{epochs}", "{trial}", "{checkpoint_dir}"];
    }

    public const string Space = """{"parameters": {"x": {"type": "float", "low": 0.0, "high": 1.0}}}""";
}
