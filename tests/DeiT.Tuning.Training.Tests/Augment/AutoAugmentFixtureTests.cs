using System.Text.Json;
using DeiT.Tuning.Training.Augment;
using DeiT.Tuning.Training.Tests.Data;
using Xunit.Abstractions;

namespace DeiT.Tuning.Training.Tests.Augment;

/// <summary>Every case of Fixtures/autoaugment/manifest.json: PIL 9.4's output for each (op, magnitude, sign) of timm's
/// `original` AutoAugment policy (written by make_fixtures.py beside it).</summary>
public class AutoAugmentFixtureTests(ITestOutputHelper output)
{
    private static string Folder => Path.Combine(DataTestFiles.RepoRoot, "tests", "DeiT.Tuning.Training.Tests", "Fixtures", "autoaugment");
    private static readonly Lazy<JsonElement> Manifest = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "manifest.json"))).RootElement);

    public static IEnumerable<object[]> Cases() =>
        Manifest.Value.GetProperty("cases").EnumerateArray().Select(c => new object[] { c.GetProperty("file").GetString()! });

    [Fact]
    public void Policy_is_timms_original_policy_as_written_by_the_fixture_script()
    {
        var expected = Manifest.Value.GetProperty("policy").EnumerateArray()
            .Select(sub => string.Join(" | ", sub.EnumerateArray().Select(s => $"{s[0].GetString()} {s[1].GetDouble()} {s[2].GetInt32()}")));
        var actual = AutoAugment.OriginalPolicy
            .Select(sub => string.Join(" | ", sub.Select(s => $"{s.Op} {s.Probability} {s.Magnitude}")));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Fixture_covers_every_op_of_the_policy_on_both_images()
    {
        var cases = Manifest.Value.GetProperty("cases").EnumerateArray().ToList();
        var policyOps = AutoAugment.OriginalPolicy.SelectMany(s => s).Select(s => s.Op.ToString()).Distinct().Order();
        Assert.Equal(Enum.GetNames<AutoAugmentOp>().Order(), policyOps);
        foreach (var input in new[] { "rgb", "gray" })
            Assert.Equal(policyOps, cases.Where(c => c.GetProperty("input").GetString() == input).Select(c => c.GetProperty("op").GetString()!).Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Op_matches_pil(string file)
    {
        var c = Manifest.Value.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("file").GetString() == file);
        var op = Enum.Parse<AutoAugmentOp>(c.GetProperty("op").GetString()!);
        var input = Manifest.Value.GetProperty("inputs").GetProperty(c.GetProperty("input").GetString()!);
        int channels = input.GetProperty("mode").GetString() == "L" ? 1 : 3;
        var fillElement = input.GetProperty("fill");
        byte[] fill = fillElement.ValueKind == JsonValueKind.Array
            ? fillElement.EnumerateArray().Select(v => (byte)v.GetInt32()).ToArray()
            : [(byte)fillElement.GetInt32()];
        bool negate = c.GetProperty("sign").GetInt32() < 0;

        double argument = AutoAugmentOps.Argument(op, c.GetProperty("magnitude").GetDouble(), negate);
        if (c.GetProperty("arg").ValueKind != JsonValueKind.Null)
            Assert.Equal(c.GetProperty("arg").GetDouble(), argument, 12);
        Assert.Equal(c.GetProperty("geometric").GetBoolean(), AutoAugmentOps.IsGeometric(op));

        var (image, h, w) = PngImages.Read(Path.Combine(Folder, input.GetProperty("file").GetString()!), channels);
        var (expected, _, _) = PngImages.Read(Path.Combine(Folder, file), channels);
        AutoAugmentOps.Apply(op, argument, image, channels, h, w, fill, PilResampling.Bicubic);

        double meanAbsError = image.Zip(expected, (a, b) => Math.Abs(a - b)).Average();
        output.WriteLine($"{file}: mean |error| {meanAbsError:F4}");
        if (AutoAugmentOps.IsGeometric(op))
            Assert.True(meanAbsError <= 1.0, $"{file}: mean abs error {meanAbsError:F3} > 1 intensity level");
        else
            Assert.Equal(expected, image);
    }

    [Fact]
    public void Same_seed_gives_the_same_image_and_sub_policies_vary_across_seeds()
    {
        var (image, h, w) = PngImages.Read(Path.Combine(Folder, "input_rgb.png"), 3);
        var augment = new AutoAugment([124, 116, 104]);
        byte[] Run(int seed)
        {
            var copy = image.ToArray();
            augment.Apply(copy, 3, h, w, new Random(seed));
            return copy;
        }
        Assert.Equal(Run(3), Run(3));
        Assert.True(Enumerable.Range(0, 20).Select(s => Convert.ToHexString(Run(s))).Distinct().Count() > 5);
    }
}
