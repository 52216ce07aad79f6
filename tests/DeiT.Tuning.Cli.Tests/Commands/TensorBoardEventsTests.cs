using System.Text.Json;
using DeiT.Tuning.Cli.Commands.Export.TensorBoard;

namespace DeiT.Tuning.Cli.Tests.Commands;

/// <summary>Our event records byte for byte against Google's protobuf serializer and crcmod's CRC-32C
/// (Fixtures/tensorboard_events.py): the file version, the HParams experiment, a session's start and end, and scalars.</summary>
public sealed class TensorBoardEventsTests
{
    static readonly JsonElement Fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tensorboard-events.json"))).RootElement;

    [Fact]
    public void Crc32c_is_castagnolis() =>
        Assert.Equal(Fixture.GetProperty("crc32c_123456789").GetUInt32(), TfRecord.Crc32C("123456789"u8));

    [Fact]
    public void Records_equal_protobufs()
    {
        var events = new[]
        {
            TensorBoardEvents.FileVersion(1700000000.25),
            TensorBoardEvents.Experiment(1700000000.25, "s1",
                [new HParamDomain("lr", 1e-4, 0.1, null), new HParamDomain("opt", null, null, ["adamw", "sgd"]), new HParamDomain("wd", 0.0, 0.3, null)],
                [new HParamMetric("val/top1", Validation: true), new HParamMetric("train/loss", Validation: false)], 1700000000.25),
            TensorBoardEvents.SessionStart(1700000001.5, new Dictionary<string, HParamValue>
            {
                ["wd"] = new(0.0, null), ["lr"] = new(0.003, null), ["opt"] = new(null, "sgd"),
            }, 1700000001.5),
            TensorBoardEvents.Scalar(1700000003.0, 1, "val/top1", 0.8125f),
            TensorBoardEvents.Scalar(1700000003.0, 1, "train/loss", 0f),
            TensorBoardEvents.SessionEnd(1700000004.75, SessionStatus.Success, 1700000004.75),
        };
        var expected = Fixture.GetProperty("records_hex").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Equal(expected.Count, events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            using var record = new MemoryStream();
            TfRecord.Write(record, events[i]);
            Assert.Equal(expected[i], Convert.ToHexStringLower(record.ToArray()));
        }
    }
}
