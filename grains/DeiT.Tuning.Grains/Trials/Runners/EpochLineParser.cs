using System.Globalization;
using DeiT.Tuning.Abstractions.Trials;

namespace DeiT.Tuning.Grains.Trials.Runners;

/// <summary>
/// Reads an external command's report lines: whitespace-separated key=value pairs with an integer epoch, e.g.
/// "epoch=3 top1=0.81 loss=0.5". Keys: top1, top5, loss, train_loss, ips (images/s), seconds; others are ignored.
/// Lines without epoch= are not reports.
/// </summary>
public static class EpochLineParser
{
    public static bool TryParse(string line, out EpochMetrics metrics)
    {
        metrics = new EpochMetrics();
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = token.IndexOf('=');
            if (eq > 0) pairs[token[..eq]] = token[(eq + 1)..];
        }
        if (!pairs.TryGetValue("epoch", out var epochText) ||
            !int.TryParse(epochText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch) || epoch < 1)
            return false;
        metrics = new EpochMetrics
        {
            Epoch = epoch,
            Top1 = Number(pairs, "top1"),
            Top5 = Number(pairs, "top5"),
            Loss = Number(pairs, "loss"),
            TrainLoss = Number(pairs, "train_loss"),
            ImagesPerSecond = Number(pairs, "ips") is var ips && double.IsFinite(ips) ? ips : 0,
            Seconds = Number(pairs, "seconds") is var s && double.IsFinite(s) ? s : 0,
        };
        return true;
    }

    private static double Number(Dictionary<string, string> pairs, string key) =>
        pairs.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : double.NaN;
}
