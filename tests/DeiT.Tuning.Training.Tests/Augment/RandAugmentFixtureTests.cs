using System.Text.Json;
using DeiT.Tuning.Training.Augment;
using DeiT.Tuning.Training.Tests.Data;
using Xunit.Abstractions;

namespace DeiT.Tuning.Training.Tests.Augment;

/// <summary>Every case of ../shared/fixtures/randaugment/manifest.json (PIL 9.4 output of timm's increasing op set).</summary>
public class RandAugmentFixtureTests(ITestOutputHelper output)
{
    private static string Folder => Path.Combine(DataTestFiles.Fixtures, "randaugment");
    private static readonly Lazy<JsonElement> Manifest = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json"))).RootElement);

    public static IEnumerable<object[]> Cases() =>
        Manifest.Value.GetProperty("cases").EnumerateArray().Select(c => new object[] { c.GetProperty("file").GetString()! });

    [Fact]
    public void Manifest_covers_the_whole_increasing_op_set_on_both_images()
    {
        var cases = Manifest.Value.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(96, cases.Count);
        foreach (var input in new[] { "rgb", "gray" })
            Assert.Equal(RandAugment.OpSet.Select(o => o.ToString()).Order(),
                cases.Where(c => c.GetProperty("input").GetString() == input).Select(c => c.GetProperty("op").GetString()!).Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Op_matches_pil(string file)
    {
        var c = Manifest.Value.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("file").GetString() == file);
        var op = Enum.Parse<RandAugmentOp>(c.GetProperty("op").GetString()!);
        var inputName = c.GetProperty("input").GetString()!;
        var input = Manifest.Value.GetProperty("inputs").GetProperty(inputName);
        int channels = input.GetProperty("mode").GetString() == "L" ? 1 : 3;
        var fillElement = input.GetProperty("fill");
        byte[] fill = fillElement.ValueKind == JsonValueKind.Array
            ? fillElement.EnumerateArray().Select(v => (byte)v.GetInt32()).ToArray()
            : [(byte)fillElement.GetInt32()];
        double magnitude = c.GetProperty("magnitude").GetDouble();
        bool negate = c.GetProperty("sign").GetInt32() < 0;

        // The argument timm derives from (magnitude, sign) is ours too.
        double argument = RandAugmentOps.Argument(op, magnitude, negate);
        if (c.GetProperty("arg").ValueKind != JsonValueKind.Null)
            Assert.Equal(c.GetProperty("arg").GetDouble(), argument, 12);
        Assert.Equal(c.GetProperty("geometric").GetBoolean(), RandAugmentOps.IsGeometric(op));

        var (image, h, w) = PngImages.Read(Path.Combine(Folder, input.GetProperty("file").GetString()!), channels);
        var (expected, eh, ew) = PngImages.Read(Path.Combine(Folder, file), channels);
        Assert.Equal((h, w), (eh, ew));
        int changed = image.Zip(expected, (a, b) => a != b ? 1 : 0).Sum();
        RandAugmentOps.Apply(op, argument, image, channels, h, w, fill);

        double meanAbsError = image.Zip(expected, (a, b) => Math.Abs(a - b)).Average();
        int maxError = image.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"{file}: mean |error| {meanAbsError:F4}, max {maxError}; PIL changed {changed} of {image.Length} values");
        if (RandAugmentOps.IsGeometric(op))
            Assert.True(meanAbsError <= 1.0, $"{file}: mean abs error {meanAbsError:F3} > 1 intensity level");
        else
            Assert.Equal(expected, image);
    }
}
