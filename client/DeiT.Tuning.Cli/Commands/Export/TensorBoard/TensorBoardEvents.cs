namespace DeiT.Tuning.Cli.Commands.Export.TensorBoard;

/// <summary>A value of a hyperparameter in the HParams plugin (google.protobuf.Value): a number or a string.</summary>
public sealed record HParamValue(double? Number, string? Text);

/// <summary>A hyperparameter of the experiment: a numeric interval, or a discrete set of strings.</summary>
public sealed record HParamDomain(string Name, double? Min, double? Max, IReadOnlyList<string>? Choices);

/// <summary>A metric the HParams table shows: a scalar tag, measured on validation or training data.</summary>
public sealed record HParamMetric(string Tag, bool Validation);

/// <summary>Session (trial) outcomes as the HParams plugin names them.</summary>
public enum SessionStatus { Unknown = 0, Success = 1, Failure = 2, Running = 3 }

/// <summary>
/// Serialized tensorboard.Event messages: the file version, scalars (simple_value, as PyTorch's SummaryWriter writes
/// them), and the HParams plugin's experiment, session start and session end summaries (tags _hparams_/…, plugin data
/// version 0, carrying the plugin's empty float tensor). Field numbers are those of TensorBoard's event.proto,
/// summary.proto and hparams' api.proto/plugin_data.proto.
/// </summary>
public static class TensorBoardEvents
{
    public static byte[] FileVersion(double wallTime) => new ProtoWriter().Double(1, wallTime).String(3, "brain.Event:2").ToArray();

    public static byte[] Scalar(double wallTime, long step, string tag, float value) =>
        Event(wallTime, step, new ProtoWriter().String(1, tag).Float(2, value, always: true));

    public static byte[] Experiment(double wallTime, string name, IReadOnlyList<HParamDomain> hparams, IReadOnlyList<HParamMetric> metrics, double createdSeconds)
    {
        var experiment = new ProtoWriter().Double(3, createdSeconds);
        foreach (var h in hparams)
        {
            var info = new ProtoWriter().String(1, h.Name).Varint(4, h.Choices is null ? 3 : 1); // DATA_TYPE_FLOAT64 : DATA_TYPE_STRING
            if (h.Choices is { } choices)
            {
                var list = new ProtoWriter();
                foreach (var choice in choices) list.Message(1, Value(new HParamValue(null, choice)));
                info.Message(5, list);
            }
            else
            {
                info.Message(6, new ProtoWriter().Double(1, h.Min ?? 0).Double(2, h.Max ?? 0));
            }
            experiment.Message(4, info);
        }
        foreach (var m in metrics)
            experiment.Message(5, new ProtoWriter().Message(1, new ProtoWriter().String(2, m.Tag)).Varint(5, m.Validation ? 2 : 1));
        experiment.String(6, name);
        return HParams(wallTime, "_hparams_/experiment", 2, experiment);
    }

    public static byte[] SessionStart(double wallTime, IReadOnlyDictionary<string, HParamValue> hparams, double startSeconds)
    {
        var start = new ProtoWriter();
        foreach (var (key, value) in hparams.OrderBy(h => h.Key, StringComparer.Ordinal))
            start.Message(1, new ProtoWriter().String(1, key).Message(2, Value(value)));
        start.Double(5, startSeconds);
        return HParams(wallTime, "_hparams_/session_start_info", 3, start);
    }

    public static byte[] SessionEnd(double wallTime, SessionStatus status, double endSeconds) =>
        HParams(wallTime, "_hparams_/session_end_info", 4, new ProtoWriter().Varint(1, (int)status).Double(2, endSeconds));

    private static ProtoWriter Value(HParamValue value) => value.Text is { } text
        ? new ProtoWriter().Bytes(3, System.Text.Encoding.UTF8.GetBytes(text)) // string_value: a oneof member, written even when empty
        : new ProtoWriter().Double(2, value.Number ?? 0, always: true);

    /// <summary>A summary value holding HParamsPluginData (version 0) with <paramref name="data"/> in oneof field <paramref name="field"/>.</summary>
    private static byte[] HParams(double wallTime, string tag, int field, ProtoWriter data)
    {
        var content = new ProtoWriter().Message(field, data).ToArray();
        var nullTensor = new ProtoWriter().Varint(1, 1).Message(2, new ProtoWriter().Message(2, new ProtoWriter())); // DT_FLOAT, shape [0]
        var metadata = new ProtoWriter().Message(1, new ProtoWriter().String(1, "hparams").Bytes(2, content));
        return Event(wallTime, 0, new ProtoWriter().String(1, tag).Message(8, nullTensor).Message(9, metadata));
    }

    private static byte[] Event(double wallTime, long step, ProtoWriter value) =>
        new ProtoWriter().Double(1, wallTime).Varint(2, step).Message(5, new ProtoWriter().Message(1, value)).ToArray();
}
